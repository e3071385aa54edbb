import type { AppError } from "../bindings";
import { asAppError } from "./errors";

/** Rows fetched per request as a list scrolls (Rust gives at most 1,000). */
export const PAGE = 200;

/** One page as Rust answers it: how many rows there are, and this page's. */
export interface Page<T> {
  total: number;
  rows: T[];
}

/**
 * Pages of a long list fetched as it scrolls (the preview's rows, a run's
 * results, the History entries): never the whole list at once. A reload or
 * clear forgets the pages on their way, so an answer to an older question
 * never lands in the list.
 */
export class Paged<T> {
  /** How many rows there are; `null` until the first page arrives. */
  total = $state<number | null>(null);
  /** Page number → its rows. Replaced whole, never changed in place. */
  pages = $state.raw<Readonly<Record<number, T[]>>>({});
  error = $state<AppError | null>(null);
  /** Pages asked for (or arrived) since the last reload. */
  #asked: number[] = [];
  #gen = 0;
  readonly #fetch: (offset: number, limit: number) => Promise<Page<T>>;

  constructor(fetch: (offset: number, limit: number) => Promise<Page<T>>) {
    this.#fetch = fetch;
  }

  get loading(): boolean {
    return this.total === null && this.error === null;
  }

  /** Starts again from the first page. Resolves `false` when a later
   * reload or clear took its place. */
  async reload(): Promise<boolean> {
    const gen = ++this.#gen;
    this.#asked = [0];
    this.pages = {};
    this.total = null;
    this.error = null;
    try {
      const r = await this.#fetch(0, PAGE);
      if (gen !== this.#gen) return false;
      this.pages = { 0: r.rows };
      this.total = r.total;
    } catch (e) {
      if (gen === this.#gen) this.error = asAppError(e);
    }
    return gen === this.#gen;
  }

  /** Forgets everything (a new file or run). */
  clear() {
    this.#gen++;
    this.#asked = [];
    this.pages = {};
    this.total = null;
    this.error = null;
  }

  /** The row at `index`, or `undefined` while its page is on its way. */
  at(index: number): T | undefined {
    return this.pages[Math.floor(index / PAGE)]?.[index % PAGE];
  }

  /** Makes sure rows `first` to `last` (exclusive) are fetched. */
  ensure(first: number, last: number): void {
    if (this.total === null) return;
    const end = Math.min(last, this.total);
    for (let p = Math.floor(first / PAGE); p * PAGE < end; p++) {
      if (this.#asked.includes(p)) continue;
      this.#asked.push(p);
      void this.#page(p);
    }
  }

  async #page(page: number): Promise<void> {
    const gen = this.#gen;
    try {
      const r = await this.#fetch(page * PAGE, PAGE);
      if (gen !== this.#gen) return;
      this.pages = { ...this.pages, [page]: r.rows };
    } catch (e) {
      if (gen !== this.#gen) return;
      this.#asked = this.#asked.filter((p) => p !== page);
      this.error = asAppError(e);
    }
  }
}
