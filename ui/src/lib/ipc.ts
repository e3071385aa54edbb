import { asAppError } from "./errors";

/** What every generated command resolves to: its value, or the error Rust
 * returned for it. */
export type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: unknown };

/**
 * The one way the window calls a command: resolves to the command's value,
 * or rejects with an `AppError`, whether Rust returned the error or Tauri
 * itself refused the call (an unknown command, a denied permission). An
 * error that carries more than an `AppError` keeps it (a failed change
 * carries the group as last read).
 */
export async function call<T>(answer: Promise<Answer<T>>): Promise<T> {
  let settled: Answer<T>;
  try {
    settled = await answer;
  } catch (e) {
    throw asAppError(e);
  }
  if (settled.status === "error") throw asAppError(settled.error);
  return settled.data;
}

/** `call` for a read that may fail quietly: its value, or `fallback`. */
export async function callOr<T, F>(answer: Promise<Answer<T>>, fallback: F): Promise<T | F> {
  try {
    return await call(answer);
  } catch {
    return fallback;
  }
}
