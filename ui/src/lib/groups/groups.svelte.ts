import {
  commands,
  type AppError,
  type ChangeOutcome,
  type GroupMembers,
  type GroupSummary,
  type Member,
  type Purpose,
  type ReceivingChange,
  type RecentGroup,
} from "../../bindings";
import { confirm } from "../confirm.svelte";
import { SvelteMap, SvelteSet } from "svelte/reactivity";
import { asAppError } from "../errors";
import {
  groupLabel,
  memberLabel,
  memberName,
  type Filter,
  type Sort,
  visibleMembers,
} from "./members";

/** How long Undo stays offered after a change. */
export const UNDO_SECONDS = 8;

/** One change waiting its turn: applied strictly in the order asked, always
 * to the group it was asked for, whatever group is on screen when it runs. */
export interface Job {
  /** The group the manager changed: the one on screen when they asked. */
  group: number;
  /** That group in words, for messages: "“Mahipal singh” (#28)". */
  groupLabel: string;
  changes: ReceivingChange[];
  /** What the change did, in words: "manoj (#8) no longer receives calls". */
  describe: string;
  /** What was asked, to follow "Could not" or "Did not": "stop manoj (#8) receiving calls". */
  ask: string;
  /** Who is changed, for a failure: "manoj (#8)" or "2 agents". */
  who: string;
  /** An undo offers no undo of its own. */
  isUndo: boolean;
  /** What sending it is, for History, when not a plain change or undo. */
  purpose?: Purpose;
  seq: number;
}

export interface Done {
  message: string;
  /** The changes that put things back, and their group, while Undo is offered. */
  undo: { group: number; groupLabel: string; changes: ReceivingChange[] } | null;
}

export interface Failed {
  /** The group the failed change was for. */
  group: number;
  message: string;
  error: AppError;
  retry: Job | null;
}

/** The changes to one group, counted while it is not on screen. */
export interface GroupProgress {
  groupLabel: string;
  /** Changes queued or running. */
  waiting: number;
  /** What was saved, in words, while the group was not on screen. */
  saved: string[];
  /** A sentence for each change that was not made while the group was not on screen. */
  notSaved: string[];
}

/** A message about changes to a group that is not the one on screen. */
export interface OtherGroupNote {
  group: number;
  groupLabel: string;
  finished: boolean;
  /** Some change was not made. */
  anyNotSaved: boolean;
  message: string;
}

const changesWords = (n: number) => (n === 1 ? "1 change" : `${n} changes`);

/** What the changes to a group that is not on screen came to, in words. */
export function otherGroupWords(p: GroupProgress): string {
  const saved = p.saved.join("; ");
  if (p.waiting > 0) {
    const sofar = p.saved.length > 0 ? ` Saved so far: ${saved}.` : "";
    const failed = p.notSaved.length > 0 ? ` ${p.notSaved.join(" ")}` : "";
    return `Still saving ${changesWords(p.waiting)} to ${p.groupLabel}…${sofar}${failed}`;
  }
  const total = p.saved.length + p.notSaved.length;
  const failed = p.notSaved.join(" ");
  if (p.notSaved.length === 0) {
    return total === 1
      ? `Your change to ${p.groupLabel} is saved: ${saved}.`
      : `Your ${total} changes to ${p.groupLabel} are saved: ${saved}.`;
  }
  if (p.saved.length === 0) {
    return total === 1
      ? `Your change to ${p.groupLabel} was not saved. ${failed}`
      : `None of your ${total} changes to ${p.groupLabel} was saved. ${failed}`;
  }
  return `Your ${total} changes to ${p.groupLabel} are finished. Saved: ${saved}. ${failed}`;
}

/** What the note says about a change that failed. */
const couldNot = (job: Job) => `Could not ${job.ask}.`;

const pendingKey = (group: number, agentId: number) => `${group}/${agentId}`;

/** The Groups screen's state: the open group, pending changes, the queue. */
export class GroupsModel {
  /** The account this screen shows (`null`: the Sandbox); every change is
   * sent for this account only. */
  readonly account: string | null;

  constructor(account: string | null = null) {
    this.account = account;
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

  /** "group/agent" → the value the manager asked for, until DeepCall
   * confirms. Keyed by group too: one agent can be in several groups. */
  readonly pending = new SvelteMap<string, { on: boolean; seq: number }>();
  /** Group id → its changes queued or running, and what came of those that
   * finished while another group was on screen. */
  readonly progress = new SvelteMap<number, GroupProgress>();
  done = $state<Done | null>(null);
  failed = $state<Failed | null>(null);
  exportNote = $state<string | null>(null);
  exportError = $state<AppError | null>(null);

  #queue: Job[] = [];
  #working = false;
  #seq = 0;
  #undoTimer: ReturnType<typeof setTimeout> | null = null;
  /** The group being opened, while `loading`. */
  #opening: number | null = null;

  receives = (m: Member): boolean =>
    this.pending.get(pendingKey(this.data?.group.id ?? 0, m.agentId))?.on ?? m.receivesCalls;

  get visible(): Member[] {
    if (!this.data) return [];
    return visibleMembers(this.data.members, this.receives, this.search, this.filter, this.sort);
  }

  /** How many receive calls, as DeepCall last said: counted once a read. */
  #receivingRead = $derived(
    this.data ? this.data.members.filter((m) => m.receivesCalls).length : 0,
  );
  /** Each member of the last read by number, made only when a switch waits. */
  // Made once a read and never changed: no reactivity needed inside it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #byId = $derived(new Map((this.data?.members ?? []).map((m) => [m.agentId, m])));

  /** As the switches show it: the last read, with the switches that wait for
   * DeepCall. Only those are looked at (not all 10,000 members), since this
   * is counted again on every click and every answer. */
  get receivingCount(): number {
    if (!this.data) return 0;
    const prefix = pendingKey(this.data.group.id, 0).slice(0, -1);
    let count = this.#receivingRead;
    for (const [key, { on }] of this.pending) {
      if (!key.startsWith(prefix)) continue;
      const member = this.#byId.get(Number(key.slice(prefix.length)));
      if (member && member.receivesCalls !== on) count += on ? 1 : -1;
    }
    return count;
  }

  /** Whether a change to this member of the group on screen is waiting. */
  isPending(agentId: number): boolean {
    return this.pending.has(pendingKey(this.data?.group.id ?? 0, agentId));
  }

  /** Whether the manager has this group in front of them: on screen, and
   * not on the way to another one. */
  private isShown(group: number): boolean {
    return this.data?.group.id === group && (!this.loading || this.#opening === group);
  }

  /** Messages about changes to groups other than the one on screen. */
  get otherGroupNotes(): OtherGroupNote[] {
    const notes: OtherGroupNote[] = [];
    for (const [group, p] of this.progress) {
      const finishedSome = p.saved.length + p.notSaved.length > 0;
      // Waiting changes to the group on screen show on its rows.
      if (!finishedSome && (p.waiting === 0 || this.isShown(group))) continue;
      notes.push({
        group,
        groupLabel: p.groupLabel,
        finished: p.waiting === 0,
        anyNotSaved: p.notSaved.length > 0,
        message: otherGroupWords(p),
      });
    }
    return notes;
  }

  async start(): Promise<void> {
    await Promise.all([this.loadRecent(), this.loadChoices()]);
  }

  async loadRecent(): Promise<void> {
    try {
      const r = await commands.recentGroups();
      this.recent = r.status === "ok" ? r.data : [];
    } catch {
      this.recent = [];
    }
  }

  async loadChoices(): Promise<void> {
    try {
      const r = await commands.groupChoices();
      this.choices = r.status === "ok" ? r.data : null;
    } catch {
      this.choices = null;
    }
  }

  /** Opens the group typed in the number field (or `group`). */
  async open(group: string = this.groupInput): Promise<boolean> {
    this.groupInput = group;
    this.inputProblem = null;
    this.loadError = null;
    // What was said about the screen before is over once another group is
    // asked for; changes still running keep their note.
    this.clearUndo();
    this.done = null;
    this.failed = null;
    this.exportNote = null;
    this.exportError = null;
    for (const [id, p] of this.progress) if (p.waiting === 0) this.progress.delete(id);
    const wanted = Number(group.trim().replace(/^#/, ""));
    this.#opening = Number.isSafeInteger(wanted) ? wanted : null;
    this.loading = true;
    try {
      const r = await commands.groupMembers(group);
      if (r.status === "error") {
        if (r.error.kind === "InvalidInput") this.inputProblem = r.error.message;
        else this.loadError = r.error;
        return false;
      }
      this.data = r.data;
      this.groupInput = String(r.data.group.id);
      // What came of earlier changes to this group is on screen now.
      const p = this.progress.get(r.data.group.id);
      if (p && p.waiting === 0) this.progress.delete(r.data.group.id);
      else if (p) this.progress.set(r.data.group.id, { ...p, saved: [], notSaved: [] });
      this.selected.clear();
      void this.loadRecent();
      return true;
    } catch (e) {
      this.loadError = asAppError(e);
      return false;
    } finally {
      this.loading = false;
      this.#opening = null;
    }
  }

  /** Reads the open group again. */
  async reload(): Promise<void> {
    if (this.data) await this.open(String(this.data.group.id));
  }

  /** DeepCall's fresh read of a group: shown only if it is the group on
   * screen. (The number field is left alone: the manager may be typing.) */
  private arrived(group: GroupMembers) {
    if (this.data?.group.id === group.group.id) this.data = group;
  }

  /** Flips one member's switch. */
  toggle(m: Member): void {
    const on = !this.receives(m);
    const label = memberLabel(m);
    this.enqueue({
      changes: [{ agentId: m.agentId, receivesCalls: on }],
      describe: `${label} ${on ? "now receives calls" : "no longer receives calls"}`,
      ask: on ? `let ${label} receive calls` : `stop ${label} receiving calls`,
      who: label,
      isUndo: false,
    });
  }

  /** Switches every selected member on or off in one change. */
  setSelected(on: boolean): void {
    if (!this.data) return;
    const ids = this.data.members.filter((m) => this.selected.has(m.agentId));
    const changing = ids.filter((m) => this.receives(m) !== on);
    if (changing.length === 0) {
      this.done = {
        message: `All ${ids.length} selected already ${on ? "receive" : "do not receive"} calls.`,
        undo: null,
      };
      return;
    }
    const who =
      changing.length === 1 && changing[0] ? memberLabel(changing[0]) : `${changing.length} agents`;
    const many = changing.length === 1 ? "1 agent" : `${changing.length} agents`;
    this.enqueue({
      changes: changing.map((m) => ({ agentId: m.agentId, receivesCalls: on })),
      describe: `${many} ${on ? "now receive calls" : "no longer receive calls"}`,
      ask: on ? `let ${who} receive calls` : `stop ${who} receiving calls`,
      who,
      isUndo: false,
    });
  }

  /** History's Try again: the recorded change, to the group on screen,
   * through the queue like any other (with its "nobody would receive"
   * warning), recorded as tried again. */
  tryAgain(change: ReceivingChange): void {
    const m = this.data?.members.find((x) => x.agentId === change.agentId);
    const label = m ? memberLabel(m) : `Agent #${change.agentId}`;
    const on = change.receivesCalls;
    this.enqueue({
      changes: [change],
      describe: `${label} ${on ? "now receives calls" : "no longer receives calls"}`,
      ask: on ? `let ${label} receive calls` : `stop ${label} receiving calls`,
      who: label,
      isUndo: false,
      purpose: "tryAgain",
    });
  }

  toggleSelected(agentId: number, on: boolean): void {
    if (on) this.selected.add(agentId);
    else this.selected.delete(agentId);
  }

  selectShown(on: boolean): void {
    for (const m of this.visible) {
      if (on) this.selected.add(m.agentId);
      else this.selected.delete(m.agentId);
    }
  }

  undo(): void {
    const undo = this.done?.undo;
    if (!undo) return;
    this.clearUndo();
    const one = undo.changes.length === 1 ? undo.changes[0] : undefined;
    const member = one && this.data?.members.find((m) => m.agentId === one.agentId);
    this.enqueue(
      {
        changes: undo.changes,
        describe: "The change was undone",
        ask: "undo the change",
        who: member ? memberLabel(member) : `${undo.changes.length} agents`,
        isUndo: true,
      },
      undo,
    );
  }

  /** Queues a change to the group on screen (or to `to`, for an undo or a
   * retry): the job keeps that group whatever is on screen when it runs. */
  private enqueue(
    what: Omit<Job, "group" | "groupLabel" | "seq">,
    to?: { group: number; groupLabel: string },
  ) {
    const target =
      to ??
      (this.data ? { group: this.data.group.id, groupLabel: groupLabel(this.data.group) } : null);
    if (!target) return;
    const job: Job = { ...what, ...target, seq: ++this.#seq };
    this.markPending(job);
    const p = this.progress.get(job.group);
    this.progress.set(job.group, {
      groupLabel: job.groupLabel,
      waiting: (p?.waiting ?? 0) + 1,
      saved: p?.saved ?? [],
      notSaved: p?.notSaved ?? [],
    });
    this.#queue.push(job);
    void this.work();
  }

  private markPending(job: Job) {
    for (const c of job.changes)
      this.pending.set(pendingKey(job.group, c.agentId), { on: c.receivesCalls, seq: job.seq });
  }

  private settle(job: Job) {
    for (const c of job.changes) {
      const key = pendingKey(job.group, c.agentId);
      if (this.pending.get(key)?.seq === job.seq) this.pending.delete(key);
    }
  }

  /** Records what came of a change to a group that is not on screen. */
  private noteElsewhere(job: Job, saved: string | null, notSaved: string | null) {
    const p = this.progress.get(job.group);
    if (!p) return;
    this.progress.set(job.group, {
      ...p,
      saved: saved ? [...p.saved, saved] : p.saved,
      notSaved: notSaved ? [...p.notSaved, notSaved] : p.notSaved,
    });
  }

  private finished(job: Job) {
    const p = this.progress.get(job.group);
    if (!p) return;
    const waiting = p.waiting - 1;
    if (waiting <= 0 && p.saved.length + p.notSaved.length === 0) this.progress.delete(job.group);
    else this.progress.set(job.group, { ...p, waiting: Math.max(0, waiting) });
  }

  private async work(): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
        try {
          await this.run(job);
        } finally {
          this.finished(job);
        }
      }
    } finally {
      this.#working = false;
    }
  }

  private async run(job: Job): Promise<void> {
    const id = String(job.group);
    // What each agent had before, as DeepCall last said: the undo, offered
    // only while the group is on screen.
    const shownBefore = this.data?.group.id === job.group ? this.data : null;
    const before = shownBefore
      ? job.changes.map((c) => ({
          agentId: c.agentId,
          receivesCalls:
            shownBefore.members.find((m) => m.agentId === c.agentId)?.receivesCalls ?? false,
        }))
      : null;
    try {
      let outcome = await this.send(id, job, false);
      if (outcome.outcome === "nobodyWouldReceive") {
        // Nothing was sent: show DeepCall's state while the manager decides.
        this.arrived(outcome.group);
        this.settle(job);
        if (!this.isShown(job.group)) {
          // No dialog about a group the manager has left: leaving a group
          // with nobody to answer it is decided with that group in view.
          this.noteElsewhere(
            job,
            null,
            `Did not ${job.ask}: then nobody would receive the calls of ${job.groupLabel}. Open it to decide.`,
          );
          return;
        }
        const yes = await confirm({
          title: "Nobody will receive this group's calls",
          message: `After this change no agent in ${groupLabel(outcome.group.group)} receives calls, so callers to this group will not reach anyone. Make the change anyway?`,
          confirmLabel: "Yes, nobody receives calls",
          danger: true,
        });
        if (!yes) {
          if (this.isShown(job.group)) this.done = { message: "Nothing was changed.", undo: null };
          return;
        }
        this.markPending(job);
        outcome = await this.send(id, job, true);
      }
      this.afterOutcome(job, outcome, before);
    } catch (e) {
      await this.afterFailure(job, asAppError(e));
    }
  }

  private async send(id: string, job: Job, allowNobody: boolean): Promise<ChangeOutcome> {
    const r = await commands.changeReceiving(
      this.account,
      id,
      job.changes,
      allowNobody,
      job.purpose ?? (job.isUndo ? "undo" : "change"),
    );
    if (r.status === "error") throw r.error;
    return r.data;
  }

  private afterOutcome(job: Job, outcome: ChangeOutcome, before: ReceivingChange[] | null) {
    this.arrived(outcome.group);
    this.settle(job);
    const here = this.isShown(job.group);
    if (outcome.outcome === "noLongerMembers") {
      const gone = outcome.agentIds.map((a) => `Agent #${a}`).join(", ");
      const are = outcome.agentIds.length === 1 ? "is" : "are";
      if (!here) {
        this.noteElsewhere(
          job,
          null,
          `Could not ${job.ask}: ${gone} ${are} no longer in that group.`,
        );
        return;
      }
      this.done = null;
      this.failed = {
        group: job.group,
        message: `${gone} ${are} no longer in this group: someone changed it meanwhile. Nothing was sent; the list now shows the group as DeepCall has it.`,
        error: {
          kind: "Rejected",
          message: "The group changed on DeepCall since it was opened.",
          field: null,
          retryable: false,
        },
        retry: null,
      };
      return;
    }
    const already = outcome.outcome === "applied" && !outcome.sent;
    if (!here) {
      const what = job.isUndo ? "the earlier change was undone" : job.describe;
      // A failure notice about that group stays: it has the reason and Retry.
      this.noteElsewhere(job, already ? `${what} (DeepCall already had it so)` : what, null);
      return;
    }
    if (this.failed?.group === job.group) this.failed = null;
    this.clearUndo();
    const undo = job.isUndo || !before ? null : before;
    this.done = {
      message: already ? `${job.describe} (DeepCall already had it so).` : `${job.describe}.`,
      undo: undo ? { group: job.group, groupLabel: job.groupLabel, changes: undo } : null,
    };
    if (undo) {
      this.#undoTimer = setTimeout(() => {
        if (this.done?.undo) this.done = { ...this.done, undo: null };
      }, UNDO_SECONDS * 1000);
    }
  }

  private async afterFailure(job: Job, error: AppError) {
    // Show the server's state again, whatever was asked, if that group is
    // on screen.
    if (this.data?.group.id === job.group) {
      try {
        const r = await commands.groupMembers(String(job.group));
        if (r.status === "ok") this.arrived(r.data);
      } catch {
        // Keep the last state DeepCall confirmed.
      }
    }
    this.settle(job);
    const s = job.changes.length === 1 ? "s" : "";
    const retry = error.retryable ? job : null;
    if (!this.isShown(job.group)) {
      this.noteElsewhere(job, null, couldNot(job));
      this.failed = {
        group: job.group,
        message: `Could not change whether ${job.who} receive${s} calls in ${job.groupLabel}. Open that group to see what DeepCall has now.`,
        error,
        retry,
      };
      return;
    }
    this.clearUndo();
    this.done = null;
    this.failed = {
      group: job.group,
      message: `Could not change whether ${job.who} receive${s} calls. The switches show what DeepCall has now.`,
      error,
      retry,
    };
  }

  /** Tries the failed change again, on its own group. */
  retry(): void {
    const job = this.failed?.retry;
    if (!job) return;
    this.failed = null;
    // Tried again: what it comes to replaces the "Could not" said about it.
    const p = this.progress.get(job.group);
    const said = couldNot(job);
    const at = p ? p.notSaved.indexOf(said) : -1;
    if (p && at >= 0) {
      this.progress.set(job.group, { ...p, notSaved: p.notSaved.filter((_, i) => i !== at) });
    }
    this.enqueue(
      {
        changes: job.changes,
        describe: job.describe,
        ask: job.ask,
        who: job.who,
        isUndo: job.isUndo,
        purpose: job.purpose,
      },
      { group: job.group, groupLabel: job.groupLabel },
    );
  }

  private clearUndo() {
    if (this.#undoTimer) clearTimeout(this.#undoTimer);
    this.#undoTimer = null;
  }

  async exportCsv(): Promise<void> {
    if (!this.data) return;
    this.exportNote = null;
    this.exportError = null;
    try {
      const r = await commands.exportMembers(String(this.data.group.id));
      if (r.status === "error") this.exportError = r.error;
      else if (r.data)
        this.exportNote = `Saved ${r.data.members === 1 ? "1 member" : `${r.data.members.toLocaleString()} members`} to ${r.data.path}`;
    } catch (e) {
      this.exportError = asAppError(e);
    }
  }
}

export { memberName };
