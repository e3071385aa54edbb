import { SvelteSet } from "svelte/reactivity";
import {
  commands,
  type AppError,
  type ExportDone,
  type GroupId,
  type GroupMembers,
  type GroupSummary,
  type Member,
  type RecentGroup,
} from "../../bindings";
import { asAppError } from "../errors";
import { call } from "../ipc";
import type { Filter, Sort } from "./members";
import { exportedWords, NO_NUMBER, notANumber, OUT_OF_RANGE } from "./words";

/** The commands the open group reads with. */
export interface GroupReads {
  groupMembers(group: GroupId): Promise<GroupMembers>;
  recentGroups(): Promise<RecentGroup[]>;
  /** `null`: `Group/list` is not available. */
  groupChoices(): Promise<GroupSummary[] | null>;
  /** `null`: the manager cancelled the save dialog. */
  exportMembers(group: GroupId): Promise<ExportDone | null>;
}

/** The app's own commands. */
export const GROUP_READS: GroupReads = {
  groupMembers: (group) => call(commands.groupMembers(group)),
  recentGroups: () => call(commands.recentGroups()),
  groupChoices: () => call(commands.groupChoices()),
  exportMembers: (group) => call(commands.exportMembers(group)),
};

/** Told as the manager moves from group to group (the change queue listens). */
export interface Moves {
  /** Another group is asked for: what was said about the one on screen is over. */
  leaving(): void;
  /** `group` is on screen now. */
  opened(group: GroupId): void;
}

/** A group number as a manager types it ("28", " #28 "), or what is wrong with it. */
export function readGroupNumber(typed: string): { id: GroupId } | { problem: string } {
  const t = typed.trim().replace(/^#+/, "").trim();
  if (t === "") return { problem: NO_NUMBER };
  if (!/^\d+$/.test(t)) return { problem: notANumber(t) };
  const id = Number(t);
  // A larger id could not reach Rust exactly.
  if (id < 1 || !Number.isSafeInteger(id)) return { problem: OUT_OF_RANGE };
  return { id };
}

/**
 * The group on screen: the number field, the read shown, the search, filter,
 * sort and selection over its members, the recent groups and the account's
 * groups to choose from, and the export.
 */
export class OpenGroup {
  readonly #reads: GroupReads;
  readonly #moves: Moves;

  constructor(reads: GroupReads, moves: Moves) {
    this.#reads = reads;
    this.#moves = moves;
  }

  groupInput = $state("");
  inputProblem = $state<string | null>(null);
  loading = $state(false);
  loadError = $state<AppError | null>(null);
  /** Replaced whole on every read, never changed in place: no deep proxy
   * (10,000 members would cost 10,000 proxies). Only ever a read of the
   * group the manager opened: a change to another group never lands here. */
  data = $state.raw<GroupMembers | null>(null);
  recent = $state<RecentGroup[]>([]);
  /** `null`: Group/list is not available; type a number instead. */
  choices = $state<GroupSummary[] | null>(null);

  search = $state("");
  filter = $state<Filter>("everyone");
  sort = $state<Sort>("name");
  readonly selected = new SvelteSet<number>();

  exportNote = $state<string | null>(null);
  exportError = $state<AppError | null>(null);

  /** The group being opened, while `loading`. */
  #opening: GroupId | null = null;

  async start(): Promise<void> {
    await Promise.all([this.loadRecent(), this.loadChoices()]);
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await this.#reads.recentGroups();
    } catch {
      this.recent = [];
    }
  }

  async loadChoices(): Promise<void> {
    try {
      this.choices = await this.#reads.groupChoices();
    } catch {
      this.choices = null;
    }
  }

  /** Opens the group typed in the number field, or `group`. */
  async open(group: string | GroupId = this.groupInput): Promise<boolean> {
    this.groupInput = String(group);
    this.inputProblem = null;
    this.loadError = null;
    this.exportNote = null;
    this.exportError = null;
    this.#moves.leaving();
    const wanted = typeof group === "number" ? { id: group } : readGroupNumber(group);
    if ("problem" in wanted) {
      this.inputProblem = wanted.problem;
      return false;
    }
    this.#opening = wanted.id;
    this.loading = true;
    try {
      const read = await this.#reads.groupMembers(wanted.id);
      this.data = read;
      this.groupInput = String(read.group.id);
      this.#moves.opened(read.group.id);
      this.selected.clear();
      void this.loadRecent();
      return true;
    } catch (e) {
      const error = asAppError(e);
      if (error.kind === "InvalidInput") this.inputProblem = error.message;
      else this.loadError = error;
      return false;
    } finally {
      this.loading = false;
      this.#opening = null;
    }
  }

  /** Reads the open group again. */
  async reload(): Promise<void> {
    if (this.data) await this.open(this.data.group.id);
  }

  /** Whether the manager has this group in front of them: on screen, and
   * not on the way to another one. */
  isShown(group: GroupId): boolean {
    return this.data?.group.id === group && (!this.loading || this.#opening === group);
  }

  /** DeepCall's fresh read of a group: shown only if it is the group on
   * screen. (The number field is left alone: the manager may be typing.) */
  arrived(read: GroupMembers): void {
    if (this.data?.group.id === read.group.id) this.data = read;
  }

  toggleSelected(agentId: number, on: boolean): void {
    if (on) this.selected.add(agentId);
    else this.selected.delete(agentId);
  }

  /** Selects (or not) every member in `shown`, the members the list shows. */
  selectShown(shown: readonly Member[], on: boolean): void {
    for (const m of shown) this.toggleSelected(m.agentId, on);
  }

  /** The selected members of the group on screen. */
  get selectedMembers(): Member[] {
    return (this.data?.members ?? []).filter((m) => this.selected.has(m.agentId));
  }

  async exportCsv(): Promise<void> {
    if (!this.data) return;
    this.exportNote = null;
    this.exportError = null;
    try {
      const done = await this.#reads.exportMembers(this.data.group.id);
      if (done) this.exportNote = exportedWords(done.members, done.path);
    } catch (e) {
      this.exportError = asAppError(e);
    }
  }
}
