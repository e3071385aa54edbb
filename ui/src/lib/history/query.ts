/**
 * The History filters as the form holds them, and the query Rust is asked:
 * the manager's local dates become UTC milliseconds here.
 */
import type { Kind, Outcome, Query_Serialize as Query } from "../../bindings";

/** The filters as the form holds them: "" is "any". Dates are the date
 * fields' `YYYY-MM-DD`, in the manager's own time zone. */
export interface Filters {
  account: string;
  kind: Kind | "";
  outcome: Outcome | "";
  from: string;
  to: string;
  search: string;
}

export const NO_FILTERS: Filters = {
  account: "",
  kind: "",
  outcome: "",
  from: "",
  to: "",
  search: "",
};

/** Local midnight starting the day `iso` (YYYY-MM-DD) plus `days`, in UTC
 * milliseconds; `null` when `iso` is not a date. */
export function localDay(iso: string, days = 0): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days);
  return Number.isNaN(d.getTime()) ? null : d.getTime();
}

/** What Rust is asked for: From is inclusive from that day's local
 * midnight, To includes the whole of its day (exclusive at the next
 * midnight). */
export function toQuery(f: Filters): Query {
  return {
    account: f.account || null,
    kind: f.kind || null,
    outcome: f.outcome || null,
    fromMs: localDay(f.from),
    toMs: localDay(f.to, 1),
    search: f.search.trim(),
  };
}

export function isFiltered(f: Filters): boolean {
  return JSON.stringify(toQuery(f)) !== JSON.stringify(toQuery(NO_FILTERS));
}

/** A sentence beside the date fields when they cannot both hold. */
export function datesProblem(f: Filters): string | null {
  const from = localDay(f.from);
  const to = localDay(f.to);
  if (from !== null && to !== null && from > to) return "The From date is after the To date.";
  return null;
}
