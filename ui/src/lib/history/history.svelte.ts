import {
  commands,
  type AppError,
  type Entry,
  type HistoryOverview,
  type Query_Serialize as Query,
} from "../../bindings";
import { app } from "../app.svelte";
import { asAppError } from "../errors";
import { call, callOr } from "../ipc";
import { Paged } from "../paged.svelte";
import { isFiltered, NO_FILTERS, toQuery, type Filters } from "./query";
import { accountWords, entriesWords } from "./words";

/** What the screen says after an action on one entry. */
export interface Note {
  text: string;
  error?: AppError;
}

/** The History screen's state: the filters, the entries fetched so far
 * (by page, as the list scrolls), and what the entries' buttons do. */
export class HistoryModel {
  filters = $state<Filters>({ ...NO_FILTERS });
  overview = $state.raw<HistoryOverview | null>(null);
  /** The entries matching the query shown, fetched by page as the list scrolls. */
  entries = new Paged<Entry>(async (offset, limit) => {
    const page = await call(commands.historyPage(this.shown, offset, limit));
    return { total: page.total, rows: page.entries };
  });
  /** How many entries there are with no filter (for "N of M"). */
  all = $state<number | null>(null);
  /** The overview could not be read (cleared by the next reload). */
  #overviewError = $state<AppError | null>(null);
  /** Entries being checked, by id. */
  checking = $state.raw<readonly number[]>([]);
  note = $state<Note | null>(null);
  exportNote = $state<string | null>(null);
  exportError = $state<AppError | null>(null);
  exporting = $state(false);

  /** The query the entries on screen answer. */
  shown: Query = toQuery(NO_FILTERS);
  #searchTimer: ReturnType<typeof setTimeout> | null = null;

  /** How many entries match; `null` until the first page arrives. */
  get total(): number | null {
    return this.entries.total;
  }

  get error(): AppError | null {
    return this.entries.error ?? this.#overviewError;
  }

  get loading(): boolean {
    return this.total === null && this.error === null;
  }

  get filtered(): boolean {
    return isFiltered(this.filters);
  }

  /** "12 entries", or "3 of 12 entries" while filtered. */
  get countWords(): string {
    if (this.total === null) return "";
    if (this.all !== null && this.total !== this.all)
      return `${this.total.toLocaleString()} of ${entriesWords(this.all)}`;
    return entriesWords(this.total);
  }

  /** The account filter's choices: every account with entries. */
  get accountChoices(): { id: string; label: string }[] {
    return (this.overview?.accounts ?? []).map((a) => ({
      id: a.id,
      label: a.sandbox ? "Sandbox (sample data)" : accountWords(a),
    }));
  }

  async start(): Promise<void> {
    await Promise.all([this.loadOverview(), this.reload()]);
  }

  async loadOverview(): Promise<void> {
    try {
      const overview = await call(commands.historyOverview());
      this.overview = overview;
      app.unknownChanges = overview.unknown;
    } catch (e) {
      this.#overviewError = asAppError(e);
    }
  }

  /** The manager has read the note about a set-aside History file: it is
   * not shown again, also after a restart. */
  async noteSeen(): Promise<void> {
    try {
      await call(commands.historyNoteSeen());
      if (this.overview) this.overview = { ...this.overview, note: null };
    } catch (e) {
      this.#overviewError = asAppError(e);
    }
  }

  /** Asks again from the first entry, for the filters as they are now. */
  async reload(): Promise<void> {
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.shown = toQuery($state.snapshot(this.filters) as Filters);
    this.#overviewError = null;
    const none = toQuery(NO_FILTERS);
    const counting = isFiltered(this.filters)
      ? callOr(commands.historyPage(none, 0, 0), null).then((page) => page?.total ?? null)
      : null;
    if (!(await this.entries.reload()) || this.entries.total === null) return;
    this.all = counting ? await counting : this.entries.total;
  }

  /** A filter changed to `value` (as its field holds it): the search
   * waits for a pause in typing. */
  set(field: keyof Filters, value: string) {
    this.filters = { ...this.filters, [field]: value } as Filters;
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    if (field === "search") {
      this.#searchTimer = setTimeout(() => void this.reload(), 250);
      return;
    }
    void this.reload();
  }

  clearFilters() {
    this.filters = { ...NO_FILTERS };
    void this.reload();
  }

  /** Puts settled entries in place of the ones shown. */
  private replace(entries: Entry[]) {
    const settled = (e: Entry) => entries.find((x) => x.id === e.id) ?? e;
    this.entries.pages = Object.fromEntries(
      Object.entries(this.entries.pages).map(([p, list]) => [p, list.map(settled)]),
    );
  }

  /** Whether the entry was sent with the account now active: only then
   * can it be opened, tried again or reverted. */
  isActive(e: Entry): boolean {
    return e.account.id === app.activeKey;
  }

  /** The plain sentence shown instead of acting on another account's entry. */
  otherAccountWords(e: Entry): string {
    return `This change was made with “${accountWords(e.account)}”. Choose that account at the top of the window first.`;
  }

  /** Check now: reads DeepCall again and settles the entry (and those
   * sent with it). Sends nothing. */
  async check(e: Entry): Promise<void> {
    this.note = null;
    this.checking = [...this.checking, e.id];
    try {
      const settled = await call(commands.checkHistory(e.id));
      this.replace(settled);
      const now = settled.find((x) => x.id === e.id);
      this.note = {
        text: now
          ? now.outcome === "confirmed"
            ? "Checked: DeepCall has this change. It is now marked confirmed."
            : now.outcome === "notApplied"
              ? "Checked: DeepCall does not have this change. It is now marked not applied; Try again sends it again."
              : `Checked: ${now.message ?? "DeepCall could not say."}`
          : "Checked.",
      };
      void this.loadOverview();
    } catch (err) {
      this.note = { text: "Could not check this change.", error: asAppError(err) };
    } finally {
      this.checking = this.checking.filter((id) => id !== e.id);
    }
  }

  /** "Open this contact" / "Open this group". */
  open(e: Entry): void {
    if (!this.isActive(e)) {
      this.note = { text: this.otherAccountWords(e) };
      return;
    }
    const c = e.change;
    if (c.kind === "contact") app.navigate("contacts", { kind: "findContact", number: c.number });
    else app.navigate("groups", { kind: "openGroup", group: c.group, tryAgain: null });
  }

  /** Try again: through the contact editor's review, or the group's queue
   * (with its "nobody would receive" warning). */
  async tryAgain(e: Entry): Promise<void> {
    if (!this.isActive(e)) {
      this.note = { text: this.otherAccountWords(e) };
      return;
    }
    const c = e.change;
    if (c.kind === "receiving") {
      app.navigate("groups", {
        kind: "openGroup",
        group: c.group,
        tryAgain: { agentId: c.agentId, receivesCalls: c.after },
      });
      return;
    }
    await this.toEditor(e, "after");
  }

  /** Revert: the contact editor with the values from before the change. */
  async revert(e: Entry): Promise<void> {
    if (!this.isActive(e)) {
      this.note = { text: this.otherAccountWords(e) };
      return;
    }
    await this.toEditor(e, "before");
  }

  private async toEditor(e: Entry, values: "before" | "after"): Promise<void> {
    this.note = null;
    try {
      const opened = await call(commands.contactFromHistory(e.id, values));
      app.navigate("contacts", {
        kind: "editContact",
        lookup: opened.lookup,
        from: { edited: opened.edited, purpose: opened.purpose },
      });
    } catch (err) {
      this.note = {
        text:
          values === "before" ? "Could not open the revert." : "Could not open the change again.",
        error: asAppError(err),
      };
    }
  }

  /** Saves the entries the filters show as CSV (Rust asks where). */
  async exportCsv(): Promise<void> {
    this.exportNote = null;
    this.exportError = null;
    this.exporting = true;
    try {
      const saved = await call(commands.exportHistory(this.shown));
      if (saved) this.exportNote = `Saved ${entriesWords(saved.entries)} to ${saved.path}`;
    } catch (e) {
      this.exportError = asAppError(e);
    } finally {
      this.exporting = false;
    }
  }
}
