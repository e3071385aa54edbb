import { SvelteSet } from "svelte/reactivity";
import type { AppError, Day, Lineup, Slot } from "../../bindings";
import { asAppError } from "../errors";
import { readGroupNumber } from "../groups/open-group.svelte";
import { Applying } from "./applying.svelte";
import type { LineupCommands } from "./commands";

/** A group the new line-up can be made from. */
export interface GroupChoice {
  id: number;
  name: string;
}

/** The days a schedule row offers, as the days they mean. */
const DAYS: Record<string, Day[]> = {
  weekdays: ["monday", "tuesday", "wednesday", "thursday", "friday"],
  weekends: ["saturday", "sunday"],
  everyDay: ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
};

/** "09:00" from a time field, or `null`. */
function readTime(text: string): { hour: number; minute: number } | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

/**
 * The Line-ups screen: the account's line-ups, a new one saved from what
 * is on now, the one open (its members and times), and applying it.
 */
export class LineupsModel {
  readonly #commands: LineupCommands;
  readonly #account: string | null;

  constructor(commands: LineupCommands, account: string | null) {
    this.#commands = commands;
    this.#account = account;
  }

  lineups = $state.raw<Lineup[]>([]);
  loading = $state(false);
  error = $state<AppError | null>(null);
  /** The line-up open on screen. */
  openId = $state<number | null>(null);
  /** What the last action said. */
  note = $state<string | null>(null);

  /** The new line-up's form. */
  newName = $state("");
  newNameProblem = $state<string | null>(null);
  newGroupsProblem = $state<string | null>(null);
  /** Groups offered: the account's list, else the recent groups. */
  choices = $state.raw<GroupChoice[]>([]);
  chosen = new SvelteSet<number>();
  /** A group number typed in, for a group not offered. */
  extraGroup = $state("");
  saving = $state(false);

  /** The open line-up's rename field and time form. */
  renameTo = $state("");
  renameProblem = $state<string | null>(null);
  slotDays = $state("weekdays");
  slotTime = $state("09:00");
  slotProblem = $state<string | null>(null);

  readonly applying = new Applying();

  get open(): Lineup | null {
    return this.lineups.find((l) => l.id === this.openId) ?? null;
  }

  /** The list's latest read, for what waits for it. */
  #reading: Promise<void> | null = null;

  /** Reads the list (again, for Retry) and the groups to choose from. */
  start(): Promise<void> {
    this.#reading = this.#read();
    return this.#reading;
  }

  async #read(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.lineups = await this.#commands.list();
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.loading = false;
    }
    await this.loadChoices();
  }

  private async loadChoices(): Promise<void> {
    const listed = await this.#commands.groupChoices().catch(() => null);
    if (listed && listed.length > 0) {
      this.choices = listed.map((g) => ({ id: g.id, name: g.name }));
      return;
    }
    const recent = await this.#commands.recentGroups().catch(() => []);
    this.choices = recent.map((g) => ({ id: g.id, name: g.name }));
  }

  /** Puts `lineup` in the list as it now is, and opens it. */
  private replace(lineup: Lineup) {
    const found = this.lineups.some((l) => l.id === lineup.id);
    this.lineups = found
      ? this.lineups.map((l) => (l.id === lineup.id ? lineup : l))
      : [...this.lineups, lineup];
    this.show(lineup.id);
  }

  show(id: number) {
    if (this.openId !== id) {
      this.applying.reset();
      this.renameProblem = null;
      this.slotProblem = null;
    }
    this.openId = id;
    this.renameTo = this.open?.name ?? "";
  }

  /** "Save what's on now as…": reads the chosen groups and keeps them. */
  async saveCurrent(): Promise<boolean> {
    this.newNameProblem = null;
    this.newGroupsProblem = null;
    const groups = [...this.chosen];
    if (this.extraGroup.trim() !== "") {
      const typed = readGroupNumber(this.extraGroup);
      if ("problem" in typed) {
        this.newGroupsProblem = typed.problem;
        return false;
      }
      if (!groups.includes(typed.id)) groups.push(typed.id);
    }
    this.saving = true;
    this.error = null;
    try {
      const lineup = await this.#commands.saveCurrent(this.newName, groups);
      this.replace(lineup);
      this.note = `Saved what's on now as “${lineup.name}”.`;
      this.newName = "";
      this.extraGroup = "";
      this.chosen.clear();
      return true;
    } catch (e) {
      const error = asAppError(e);
      // The name and the groups stay as typed.
      if (error.field === "name") this.newNameProblem = error.message;
      else if (error.field === "groups") this.newGroupsProblem = error.message;
      else this.error = error;
      return false;
    } finally {
      this.saving = false;
    }
  }

  async rename(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.renameProblem = null;
    try {
      this.replace(await this.#commands.rename(open.id, this.renameTo));
      this.note = `Renamed to “${this.renameTo.trim()}”.`;
    } catch (e) {
      this.renameProblem = asAppError(e).message;
    }
  }

  /** Sets whether a member receives calls in the line-up (not in DeepCall). */
  async setMember(group: number, agent: number, on: boolean): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      this.replace(await this.#commands.setMember(open.id, group, agent, on));
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  async addSlot(): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.slotProblem = null;
    const time = readTime(this.slotTime);
    if (!time) {
      this.slotProblem = "Enter a time such as 09:00 or 18:30.";
      return;
    }
    const days: Day[] = DAYS[this.slotDays] ?? [this.slotDays as Day];
    await this.saveSlots(open, [...open.slots, { days, ...time }]);
  }

  async removeSlot(index: number): Promise<void> {
    const open = this.open;
    if (!open) return;
    await this.saveSlots(
      open,
      open.slots.filter((_, i) => i !== index),
    );
  }

  private async saveSlots(open: Lineup, slots: Slot[]) {
    try {
      this.replace(await this.#commands.setSlots(open.id, slots));
    } catch (e) {
      this.slotProblem = asAppError(e).message;
    }
  }

  /** Moves the open line-up one place earlier (or later) in the list. */
  async move(earlier: boolean): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      this.lineups = await this.#commands.move(open.id, earlier);
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** The open line-up's place in the list: first, last. */
  get place(): { first: boolean; last: boolean } {
    const at = this.lineups.findIndex((l) => l.id === this.openId);
    return { first: at <= 0, last: at === this.lineups.length - 1 };
  }

  async remove(): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      await this.#commands.remove(open.id);
      this.lineups = this.lineups.filter((l) => l.id !== open.id);
      this.openId = null;
      this.applying.reset();
      this.note = `Deleted the line-up “${open.name}”. What it sent stays in History.`;
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  async exportCsv(): Promise<void> {
    const open = this.open;
    if (!open) return;
    try {
      const done = await this.#commands.exportCsv(open.id);
      if (done) this.note = `Saved the line-up to ${done.path}`;
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** Opens `id`, once the list is read, and shows its preview, to apply
   * as scheduled: its time passed while the app was closed. */
  async previewMissed(id: number): Promise<void> {
    await (this.#reading ?? this.start());
    this.show(id);
    await this.preview(true);
  }

  /** Reads every group of the open line-up and shows what would change.
   * `scheduled`: its time was missed, and the manager said apply it now. */
  async preview(scheduled = false): Promise<void> {
    const open = this.open;
    if (!open) return;
    const commands = this.#commands;
    const account = this.#account;
    await this.applying.open(
      open.name,
      () => commands.preview(open.id),
      (allowNobody, onGroup) => commands.apply(account, open.id, allowNobody, scheduled, onGroup),
      (done, onGroup) => commands.undo(account, open.name, done.undo, onGroup),
    );
  }
}
