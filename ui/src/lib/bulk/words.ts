/**
 * How the Bulk update screen words its counts, its progress and a row's
 * changes. Field words come from the contact editor (`fields.ts`); a run's
 * results come worded from Rust (`RowResult.words`).
 */
import type { BatchSummary, Counts, FieldChange, Lookalike, RunProgress } from "../../bindings";
import { changeLine, labelFor, valueText } from "../contacts/fields";
import { numberWords } from "../history/words";

/** A count as the manager reads it: "49", "1,200". */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** "1 row", "49 rows". */
export function rowsWords(n: number): string {
  return n === 1 ? "1 row" : `${count(n)} rows`;
}

/** The preview's counts, one line each (the empty ones left out, except
 * "ready", which is always said). */
export function countsWords(c: Counts): string[] {
  const lines = [`${rowsWords(c.ready)} ready`];
  if (c.withProblems > 0)
    lines.push(`${rowsWords(c.withProblems)} with problems (will be skipped)`);
  if (c.replaced > 0)
    lines.push(
      `${rowsWords(c.replaced)} replaced by a later row with the same number (the last row wins)`,
    );
  if (c.sameCaller > 0)
    lines.push(
      c.leftOutSameCaller > 0
        ? `${rowsWords(c.sameCaller)} may be the same caller as another row: only the last of each is sent, ${count(c.leftOutSameCaller)} left out`
        : `${rowsWords(c.sameCaller)} may be the same caller as another row: each is sent to its number as written`,
    );
  if (c.blacklisting > 0)
    lines.push(
      `${rowsWords(c.blacklisting)} ${c.blacklisting === 1 ? "blacklists its" : "blacklist their"} contact`,
    );
  return lines;
}

/** "May be the same caller as row 5 (0 98100 00001) and row 6 (98100 00001)." */
export function sameCallerWords(others: readonly Lookalike[]): string {
  const rows = others.map((o) => `row ${count(o.line)} (${numberWords(o.number)})`);
  const listed = rows.length > 1 ? `${rows.slice(0, -1).join(", ")} and ${rows.at(-1)}` : rows[0];
  return `May be the same caller as ${listed ?? "another row"}.`;
}

/** What one row sets: "VIP: on". The file says nothing of the values
 * before (Rust marks them not known), so only the new value is given. */
export function changeWords(c: FieldChange): string {
  return c.before.kind === "notKnown"
    ? `${labelFor(c.field)}: ${valueText(c.after)}`
    : changeLine(c);
}

/** "about 22 seconds left", "about 3 minutes left". */
export function timeLeftWords(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 90) return `about ${s === 1 ? "1 second" : `${s} seconds`} left`;
  const m = Math.round(s / 60);
  if (m < 90) return `about ${m} minutes left`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return `about ${h === 1 ? "1 hour" : `${h} hours`}${rest ? ` ${rest} minutes` : ""} left`;
}

/** "120 of 2,000 rows done · 85 rows a second · about 22 seconds left". */
export function progressWords(p: RunProgress): string {
  const parts = [`${count(p.done)} of ${count(p.rows)} rows done`];
  if (p.paused) {
    parts.push("Paused");
  } else {
    if (p.rowsPerSecond != null && p.rowsPerSecond > 0) {
      const rate = p.rowsPerSecond >= 10 ? Math.round(p.rowsPerSecond) : p.rowsPerSecond.toFixed(1);
      parts.push(`${rate === 1 ? "1 row" : `${rate} rows`} a second`);
    }
    if (p.waitingSeconds != null && p.waitingSeconds >= 1)
      parts.push(`DeepCall asked to wait ${Math.ceil(p.waitingSeconds)} s`);
    else if (p.secondsLeft != null && p.done < p.rows) parts.push(timeLeftWords(p.secondsLeft));
    parts.push(`sending ${count(p.atOnce)} at a time`);
  }
  return parts.join(" · ");
}

/** A run's end in numbers: "47 confirmed · 2 failed · 1 left out". */
export function summaryWords(s: BatchSummary, leftOut: number): string {
  const parts = [`${count(s.confirmed)} confirmed`];
  if (s.failed > 0) parts.push(`${count(s.failed)} failed`);
  if (s.unknown > 0) parts.push(`${count(s.unknown)} outcome unknown`);
  if (s.notApplied > 0) parts.push(`${count(s.notApplied)} not applied`);
  if (s.changedSince > 0) parts.push(`${count(s.changedSince)} changed since — not sent`);
  if (s.otherValues > 0) parts.push(`${count(s.otherValues)} not sent — DeepCall has other values`);
  if (s.notConfirmed > 0)
    parts.push(`${count(s.notConfirmed)} not sent — blacklisting not confirmed`);
  if (s.pending > 0) parts.push(`${count(s.pending)} not sent`);
  if (leftOut > 0) parts.push(`${count(leftOut)} left out`);
  return parts.join(" · ");
}

/** How long ago: "just now", "12 minutes ago", "3 hours ago", "2 days ago". */
export function agoWords(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return minutes === 1 ? "1 minute ago" : `${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return hours === 1 ? "1 hour ago" : `${hours} hours ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** The notice for a run that is not finished, with how old it is. */
export function unfinishedWords(s: BatchSummary, nowMs: number): string {
  return `A bulk update from “${s.source}”, started ${agoWords(nowMs - s.createdMs)}, was not finished: ${count(s.confirmed)} of ${rowsWords(s.rows)} confirmed.`;
}
