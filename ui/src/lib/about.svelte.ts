import { commands, type About, type AppError } from "../bindings";
import { asAppError } from "./errors";
import { call } from "./ipc";

/** The About & help screen: what it shows, and opening the log folder. */
export class AboutModel {
  about = $state<About | null>(null);
  error = $state<AppError | null>(null);
  opening = $state(false);
  /** Why the log folder did not open, in plain words. */
  openProblem = $state<string | null>(null);

  async load(): Promise<void> {
    this.error = null;
    try {
      this.about = await call(commands.about());
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  async openLogFolder(): Promise<void> {
    this.opening = true;
    this.openProblem = null;
    try {
      await call(commands.openLogFolder());
    } catch (e) {
      this.openProblem = asAppError(e).message;
    } finally {
      this.opening = false;
    }
  }
}

/** Where the sign-ins are kept, and whether that works right now. */
export function keyringWords(about: About): string {
  const where = "Tokens and session IDs are kept in this keyring, and nowhere else.";
  return about.keyringProblem
    ? `${where} ${about.keyringProblem.message}`
    : `${where} It is working.`;
}

/** How long the log is kept. */
export function keptWords(days: number): string {
  return days === 1 ? "the last day" : `the last ${days} days`;
}
