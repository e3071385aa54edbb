/**
 * How a History entry reads: one sentence, in the manager's words and local
 * time. "Tue 24 Nov, 14:05 — Head office — Blacklisted 98765 43210 (Ravi
 * Verma): off → on — confirmed". Field words come from the contact editor
 * (`fields.ts`), outcome and purpose words from Rust (`HISTORY_OUTCOMES`, `Entry.purposeWords`).
 */
import {
  HISTORY_OUTCOMES,
  type AccountRef,
  type Change,
  type Entry,
  type Outcome,
} from "../../bindings";
import { changeLine, labelFor, valueText } from "../contacts/fields";
import { memberLabel } from "../groups/members";

/** An outcome in words: "outcome unknown", "not applied". */
export function outcomeWords(outcome: Outcome): string {
  return HISTORY_OUTCOMES.find((o) => o.outcome === outcome)?.words ?? outcome;
}

/** What an entry's sentence starts with when it was not a plain change
 * ("Undo: ", "Line-up “Morning”: "), in Rust's words. */
export function purposePrefix(e: Pick<Entry, "purposeWords">): string {
  return e.purposeWords ? `${e.purposeWords}: ` : "";
}

/** The account as the list names it; the Sandbox is always called so. */
export function accountWords(a: AccountRef): string {
  return a.sandbox ? "Sandbox" : a.name;
}

/** A contact's number as a person reads it: "98765 43210", "+91 98765 43210",
 * "0 98765 43210". Only spaces are added: the digits are the ones sent. */
export function numberWords(digits: string): string {
  if (/^\d{10}$/.test(digits)) return `${digits.slice(0, 5)} ${digits.slice(5)}`;
  if (/^91\d{10}$/.test(digits)) return `+91 ${digits.slice(2, 7)} ${digits.slice(7)}`;
  if (/^0\d{10}$/.test(digits)) return `0 ${digits.slice(1, 6)} ${digits.slice(6)}`;
  return digits;
}

const onOff = (v: boolean | null | undefined) => (v == null ? "not known" : v ? "on" : "off");

/** What an entry changed: "bhawesh (#3) receives calls in Mahipal singh
 * (group 28): on → off", "Blacklisted 98765 43210 (Ravi Verma): off → on". */
export function changeWords(c: Change): string {
  if (c.kind === "receiving") {
    const who = memberLabel({ agentId: c.agentId, name: c.agentName });
    const group = c.groupName ? `${c.groupName} (group ${c.group})` : `group ${c.group}`;
    return `${who} receives calls in ${group}: ${onOff(c.before)} → ${onOff(c.after)}`;
  }
  const who = c.name ? `${numberWords(c.number)} (${c.name})` : numberWords(c.number);
  const [only, ...more] = c.changes;
  if (!only) return `${who}: no field changed`;
  if (more.length === 0) {
    return `${labelFor(only.field)} ${who}: ${valueText(only.before)} → ${valueText(only.after)}`;
  }
  return `${who}: ${c.changes.map(changeLine).join("; ")}`;
}

/** When, in the manager's own locale and time zone: "Tue 24 Nov, 14:05";
 * the year is added when it is not this year's. */
export function whenWords(ms: number, now: Date = new Date(), locale?: string): string {
  const at = new Date(ms);
  const sameYear = at.getFullYear() === now.getFullYear();
  return new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: sameYear ? undefined : "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(at);
}

/** An entry's sentence in two parts: what was done, and how it ended
 * (shown in bold). */
export function entryParts(e: Entry, now?: Date, locale?: string): [string, string] {
  const what = [
    whenWords(e.atMs, now, locale),
    accountWords(e.account),
    purposePrefix(e) + changeWords(e.change),
  ].join(" — ");
  return [`${what} — `, outcomeWords(e.outcome)];
}

/** The whole sentence for one entry. */
export function entrySentence(e: Entry, now?: Date, locale?: string): string {
  return entryParts(e, now, locale).join("");
}

/** "1 entry", "12,345 entries". */
export function entriesWords(n: number): string {
  return n === 1 ? "1 entry" : `${n.toLocaleString()} entries`;
}

/** The notice about unknown outcomes, or `null` when there are none. */
export function unknownWords(n: number): string | null {
  if (n <= 0) return null;
  const what = n === 1 ? "1 change has" : `${n.toLocaleString()} changes have`;
  return `${what} an unknown outcome: DeepCall Desk closed, or the connection broke, before DeepCall answered. Check now reads DeepCall again.`;
}
