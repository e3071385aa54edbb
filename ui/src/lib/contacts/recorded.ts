/**
 * For tests: the contact commands over a mocked IPC, answering with Rust's
 * own reviews. `reviews.json` holds forms and what `check_contact_changes`
 * answers for them; a Rust test (`recorded_reviews`) fails when an answer
 * there is not Rust's. A form the UI sends that has no recorded answer is
 * listed in `unrecorded`, so a test can fail on it.
 */
import { mockIPC } from "@tauri-apps/api/mocks";
import type { ChangeReview, ContactForm, SavedContact } from "../../bindings";
import text from "./reviews.json?raw";

export interface RecordedReview {
  name: string;
  original: ContactForm;
  edited: ContactForm;
  review: ChangeReview;
}

/** Parsed as JSON arrives over IPC: a key such as "__proto__" stays an own key. */
export const RECORDED: RecordedReview[] = (JSON.parse(text) as { cases: RecordedReview[] }).cases;

/** A recorded case by its name. */
export function recorded(name: string): RecordedReview {
  const c = RECORDED.find((r) => r.name === name);
  if (!c) throw new Error(`no recorded case “${name}”`);
  return JSON.parse(JSON.stringify(c)) as RecordedReview;
}

/** JSON with every object's keys in order, to compare forms. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

function answerFor(original: ContactForm, edited: ContactForm): ChangeReview | undefined {
  const o = canonical(original);
  const e = canonical(edited);
  return RECORDED.find((r) => canonical(r.original) === o && canonical(r.edited) === e)?.review;
}

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

export interface DeskOptions {
  /** `save_contact`'s answer (or throw an `AppError`); by default the
   * changes Rust's review lists for the forms sent. */
  save?: (args: Record<string, unknown>) => SavedContact | Promise<SavedContact>;
  /** An answer of the test's own for `check_contact_changes`, when it returns one. */
  review?: (original: ContactForm, edited: ContactForm) => ChangeReview | undefined;
}

/** Mocks the contact commands; returns every call (arguments as JSON, as
 * over IPC) and every form sent that has no recorded answer. */
export function mockContacts(opts: DeskOptions = {}) {
  const calls: Call[] = [];
  const unrecorded: string[] = [];
  mockIPC(async (cmd, args) => {
    const a = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    const original = a.original as ContactForm;
    const edited = a.edited as ContactForm;
    if (cmd === "check_contact_changes") {
      const own = opts.review?.(original, edited);
      if (own) return own;
      const answer = answerFor(original, edited);
      if (answer) return answer;
      unrecorded.push(canonical(edited));
      throw new Error("no recorded review for this form");
    }
    if (cmd === "save_contact") {
      if (opts.save) return opts.save(a);
      const answer = answerFor(original, edited);
      if (answer) return { changes: answer.changes } satisfies SavedContact;
      unrecorded.push(canonical(edited));
      throw new Error("no recorded review for this form");
    }
    throw new Error(`unexpected command ${cmd}`);
  });
  return { calls, unrecorded };
}
