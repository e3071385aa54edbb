import { tick } from "svelte";
import type { Paged } from "./paged.svelte";

/** A row drawn, with its place in the list. */
export interface Drawn<T> {
  index: number;
  row: T;
}

/** Where a row goes in `VirtualTable.svelte`: spread onto the row's element. */
export type RowPlace = Record<string, string | number>;

/** A table's columns in `VirtualTable.svelte`: their headings, and their
 * widths as CSS `grid-template-columns` reads them. */
export interface Columns {
  headings: readonly string[];
  widths: string;
}

/**
 * A list whose rows all have the same height, of which only the rows on
 * screen (and a few either side) are drawn: 100,000 rows cost what 20 do.
 * `VirtualTable.svelte` draws it: it binds `scroller`, calls `scrolled` on
 * scroll and `observe` in an effect, and draws the rows `first` to `last`,
 * each at `top(index)`.
 */
export class VirtualRows {
  scroller = $state<HTMLElement | null>(null);
  scrollTop = $state(0);
  viewport = $state(480);
  /** How many rows the list has. */
  count = $state(0);
  readonly row: number;
  readonly overscan: number;

  constructor(row: number, overscan: number) {
    this.row = row;
    this.overscan = overscan;
  }

  /** The first row drawn. */
  get first(): number {
    return Math.max(0, Math.floor(this.scrollTop / this.row) - this.overscan);
  }

  /** After the last row drawn. */
  get last(): number {
    return Math.min(
      this.count,
      Math.ceil((this.scrollTop + this.viewport) / this.row) + this.overscan,
    );
  }

  top(index: number): number {
    return index * this.row;
  }

  /** The rows of `items` to draw. */
  drawn<T>(items: readonly T[]): Drawn<T>[] {
    return items.slice(this.first, this.last).map((row, i) => ({ index: this.first + i, row }));
  }

  scrolled() {
    this.scrollTop = this.scroller?.scrollTop ?? 0;
  }

  /** Follows the scroller's height; returns the clean-up for `$effect`. */
  observe(): (() => void) | undefined {
    const el = this.scroller;
    if (!el) return;
    const observer = new ResizeObserver(() => (this.viewport = el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }

  /** A new search or filter: back to the top when past the end. */
  clamp() {
    const el = this.scroller;
    if (el && el.scrollTop > this.count * this.row) {
      el.scrollTop = 0;
      this.scrollTop = 0;
    }
  }

  /** The row a key moves to from `index` (Up, Down, Ctrl+Home, Ctrl+End),
   * or `null` for any other key. */
  #target(event: KeyboardEvent, index: number): number | null {
    if (event.key === "ArrowDown") return index + 1;
    if (event.key === "ArrowUp") return index - 1;
    if (event.key === "Home" && event.ctrlKey) return 0;
    if (event.key === "End" && event.ctrlKey) return this.count - 1;
    return null;
  }

  /** Scrolls row `index` into view and waits for it to be drawn; returns
   * the scroller, or `null` when there is no such row. */
  async #reveal(index: number): Promise<HTMLElement | null> {
    const el = this.scroller;
    if (index < 0 || index >= this.count || !el) return null;
    const top = this.top(index);
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + this.row > el.scrollTop + el.clientHeight)
      el.scrollTop = top + this.row - el.clientHeight;
    this.scrollTop = el.scrollTop;
    await tick();
    return el;
  }

  /** Up and Down (Ctrl+Home, Ctrl+End: first, last) from a control in row
   * `index`: the row moved to is scrolled into view, and `selector` finds
   * the control in it that takes the focus, once the row is drawn (a row
   * whose page is on its way is waited for, up to a second). */
  async move(event: KeyboardEvent, index: number, selector: string): Promise<void> {
    const target = this.#target(event, index);
    if (target === null) return;
    event.preventDefault();
    const scroller = await this.#reveal(target);
    for (let i = 0; scroller && i < 40; i++) {
      const control = scroller.querySelector<HTMLElement>(`[data-row="${target}"] ${selector}`);
      if (control) {
        control.focus();
        return;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/** A row of a paged list on screen: `row` is `undefined` while its page is on its way. */
export type PagedRow<T> = Drawn<T | undefined>;

/**
 * The rows of `paged` that `list` draws, for a component to call as it
 * starts (it sets up the effect that fetches the pages that come into view).
 */
export function pagedRows<T>(
  list: VirtualRows,
  paged: () => Paged<T>,
): { readonly rows: PagedRow<T>[] } {
  const rows = $derived(
    Array.from({ length: Math.max(0, list.last - list.first) }, (_, i) => ({
      index: list.first + i,
      row: paged().at(list.first + i),
    })),
  );

  $effect(() => paged().ensure(list.first, list.last));

  return {
    get rows() {
      return rows;
    },
  };
}
