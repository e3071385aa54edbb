import { SvelteMap } from "svelte/reactivity";
import {
  commands,
  type AppError,
  type ChangeFailed,
  type ChangeOutcome,
  type GroupId,
  type GroupMembers,
  type Member,
  type Purpose,
  type ReceivingChange,
} from "../../bindings";
import type { ConfirmRequest } from "../confirm.svelte";
import { asAppError } from "../errors";
import { call } from "../ipc";
import { groupLabel, memberLabel } from "./members";
import {
  agentsWords,
  alreadyHadWords,
  alreadySoWords,
  couldNotWords,
  failedWords,
  GROUP_CHANGED,
  manySwitchesWords,
  nobodyElsewhereWords,
  nobodyQuestion,
  noLongerMembersWords,
  NOTHING_CHANGED,
  oneSwitchWords,
  otherGroupWords,
  undoWords,
  UNDONE_ELSEWHERE,
  type ChangeWords,
  type GroupProgress,
} from "./words";

/** How long Undo stays offered after a change. */
export const UNDO_SECONDS = 8;

/** Sends one change to DeepCall. Rejects with an `AppError`; a change that
 * failed after Rust read the group carries that read (`ChangeFailed`). */
export type SendChange = (
  group: GroupId,
  changes: ReceivingChange[],
  allowNobody: boolean,
  purpose: Purpose,
) => Promise<ChangeOutcome>;

/** The app's own command, for `account` (the active one; `null`: the Sandbox). */
export const sendChangeFor =
  (account: string | null): SendChange =>
  (group, changes, allowNobody, purpose) =>
    call(commands.changeReceiving(account, group, changes, allowNobody, purpose));

/** Asks the manager a yes-or-no question (the app's confirm dialog). */
export type Ask = (request: ConfirmRequest) => Promise<boolean>;

/** What the queue needs of the group on screen. */
export interface Screen {
  readonly data: GroupMembers | null;
  isShown(group: GroupId): boolean;
  arrived(read: GroupMembers): void;
}

/** One change waiting its turn: applied strictly in the order asked, always
 * to the group it was asked for, whatever group is on screen when it runs. */
export interface Job extends ChangeWords {
  /** The group the manager changed: the one on screen when they asked. */
  group: GroupId;
  /** That group in words, for messages: "“Mahipal singh” (#28)". */
  groupLabel: string;
  changes: ReceivingChange[];
  /** An undo offers no undo of its own. */
  isUndo: boolean;
  /** What sending it is, for History, when not a plain change or undo. */
  purpose?: Purpose;
  seq: number;
}

export interface Done {
  message: string;
  /** The changes that put things back, and their group, while Undo is offered. */
  undo: { group: GroupId; groupLabel: string; changes: ReceivingChange[] } | null;
}

export interface Failed {
  /** The group the failed change was for. */
  group: GroupId;
  message: string;
  error: AppError;
  retry: Job | null;
}

/** A message about changes to a group that is not the one on screen. */
export interface OtherGroupNote {
  group: GroupId;
  groupLabel: string;
  finished: boolean;
  /** Some change was not made. */
  anyNotSaved: boolean;
  message: string;
}

/** The group as Rust last read it, which a failed change carries. */
function lastRead(e: unknown): GroupMembers | null {
  if (typeof e !== "object" || e === null || !("group" in e)) return null;
  return (e as ChangeFailed).group ?? null;
}

interface Wanted {
  on: boolean;
  /** The change that asked for it. */
  seq: number;
}

/** The value asked for each switch until DeepCall confirms it, by group,
 * then by agent: one agent can be in several groups. */
class Waiting {
  readonly #groups = new SvelteMap<GroupId, SvelteMap<number, Wanted>>();

  get any(): boolean {
    return this.#groups.size > 0;
  }

  get(group: GroupId, agentId: number): Wanted | undefined {
    return this.#groups.get(group)?.get(agentId);
  }

  /** The switches of `group` that wait. */
  of(group: GroupId): ReadonlyMap<number, Wanted> {
    return this.#groups.get(group) ?? new Map();
  }

  mark(job: Job): void {
    let agents = this.#groups.get(job.group);
    if (!agents) {
      agents = new SvelteMap();
      this.#groups.set(job.group, agents);
    }
    for (const c of job.changes) agents.set(c.agentId, { on: c.receivesCalls, seq: job.seq });
  }

  /** The job's switches stop waiting, unless a later change asked again. */
  settle(job: Job): void {
    const agents = this.#groups.get(job.group);
    if (!agents) return;
    for (const c of job.changes) {
      if (agents.get(c.agentId)?.seq === job.seq) agents.delete(c.agentId);
    }
    if (agents.size === 0) this.#groups.delete(job.group);
  }
}

/**
 * Who receives a group's calls, as the manager changes it: the changes
 * waiting or being sent (one at a time, in order), what the switches show
 * meanwhile, and what came of each change, on screen or, for a group the
 * manager has left, in a note.
 */
export class ChangeQueue {
  readonly #screen: Screen;
  readonly #send: SendChange;
  readonly #ask: Ask;

  constructor(screen: Screen, send: SendChange, ask: Ask) {
    this.#screen = screen;
    this.#send = send;
    this.#ask = ask;
  }

  readonly #waiting = new Waiting();
  /** Group id → its changes queued or running, and what came of those that
   * finished while another group was on screen. */
  readonly progress = new SvelteMap<GroupId, GroupProgress>();
  done = $state<Done | null>(null);
  failed = $state<Failed | null>(null);

  #queue: Job[] = [];
  #working = false;
  #seq = 0;
  #undoTimer: ReturnType<typeof setTimeout> | null = null;

  /** Whether any switch waits for DeepCall. */
  get busy(): boolean {
    return this.#waiting.any;
  }

  receives = (m: Member): boolean => {
    const shown = this.#screen.data?.group.id;
    return (
      (shown === undefined ? undefined : this.#waiting.get(shown, m.agentId)?.on) ?? m.receivesCalls
    );
  };

  /** Whether a change to this member of the group on screen is waiting. */
  isPending(agentId: number): boolean {
    const shown = this.#screen.data?.group.id;
    return shown !== undefined && this.#waiting.get(shown, agentId) !== undefined;
  }

  /** How many receive calls, as DeepCall last said: counted once a read. */
  #receivingRead = $derived.by(
    () => this.#screen.data?.members.filter((m) => m.receivesCalls).length ?? 0,
  );
  /** Each member of the last read by number. */
  #byId = $derived.by(
    // Made once a read and never changed: no reactivity needed inside it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    () => new Map((this.#screen.data?.members ?? []).map((m) => [m.agentId, m])),
  );

  /** As the switches show it: the last read, with the switches that wait for
   * DeepCall. Only those are looked at (not all 10,000 members), since this
   * is counted again on every click and every answer. */
  get receivingCount(): number {
    const data = this.#screen.data;
    if (!data) return 0;
    let count = this.#receivingRead;
    for (const [agentId, { on }] of this.#waiting.of(data.group.id)) {
      const member = this.#byId.get(agentId);
      if (member && member.receivesCalls !== on) count += on ? 1 : -1;
    }
    return count;
  }

  /** Messages about changes to groups other than the one on screen. */
  get otherGroupNotes(): OtherGroupNote[] {
    const notes: OtherGroupNote[] = [];
    for (const [group, p] of this.progress) {
      const finishedSome = p.saved.length + p.notSaved.length > 0;
      // Waiting changes to the group on screen show on its rows.
      if (!finishedSome && (p.waiting === 0 || this.#screen.isShown(group))) continue;
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

  /** Another group is asked for: what was said about the screen before is
   * over; changes still running keep their note. */
  leaving(): void {
    this.#clearUndo();
    this.done = null;
    this.failed = null;
    for (const [id, p] of this.progress) if (p.waiting === 0) this.progress.delete(id);
  }

  /** `group` is on screen: what came of earlier changes to it shows there now. */
  opened(group: GroupId): void {
    const p = this.progress.get(group);
    if (p && p.waiting === 0) this.progress.delete(group);
    else if (p) this.progress.set(group, { ...p, saved: [], notSaved: [] });
  }

  /** Flips one member's switch. */
  toggle(m: Member): void {
    const on = !this.receives(m);
    this.#enqueue({
      changes: [{ agentId: m.agentId, receivesCalls: on }],
      ...oneSwitchWords(memberLabel(m), on),
      isUndo: false,
    });
  }

  /** Switches `members` on or off in one change. */
  switchMany(members: readonly Member[], on: boolean): void {
    const changing = members.filter((m) => this.receives(m) !== on);
    const [only] = changing;
    if (!only) {
      this.done = { message: alreadySoWords(members.length, on), undo: null };
      return;
    }
    this.#enqueue({
      changes: changing.map((m) => ({ agentId: m.agentId, receivesCalls: on })),
      ...manySwitchesWords(changing.length, on, memberLabel(only)),
      isUndo: false,
    });
  }

  /** History's Try again: the recorded change, to the group on screen,
   * through the queue like any other (with its "nobody would receive"
   * warning), recorded as tried again. */
  tryAgain(change: ReceivingChange): void {
    const m = this.#byId.get(change.agentId);
    const label = memberLabel(m ?? { agentId: change.agentId, name: null });
    this.#enqueue({
      changes: [change],
      ...oneSwitchWords(label, change.receivesCalls),
      isUndo: false,
      purpose: "tryAgain",
    });
  }

  undo(): void {
    const undo = this.done?.undo;
    if (!undo) return;
    this.#clearUndo();
    const one = undo.changes.length === 1 ? undo.changes[0] : undefined;
    const member = one && this.#byId.get(one.agentId);
    this.#enqueue(
      {
        changes: undo.changes,
        ...undoWords(member ? memberLabel(member) : agentsWords(undo.changes.length)),
        isUndo: true,
      },
      undo,
    );
  }

  /** Tries the failed change again, on its own group. */
  retry(): void {
    const job = this.failed?.retry;
    if (!job) return;
    this.failed = null;
    // Tried again: what it comes to replaces the "Could not" said about it.
    const p = this.progress.get(job.group);
    const said = couldNotWords(job);
    const at = p ? p.notSaved.indexOf(said) : -1;
    if (p && at >= 0) {
      this.progress.set(job.group, { ...p, notSaved: p.notSaved.filter((_, i) => i !== at) });
    }
    const { changes, describe, ask, who, isUndo, purpose } = job;
    this.#enqueue({ changes, describe, ask, who, isUndo, purpose }, job);
  }

  /** Queues a change to the group on screen (or to `to`, for an undo or a
   * retry): the job keeps that group whatever is on screen when it runs. */
  #enqueue(
    what: Omit<Job, "group" | "groupLabel" | "seq">,
    to?: { group: GroupId; groupLabel: string },
  ) {
    const data = this.#screen.data;
    const target =
      to ?? (data ? { group: data.group.id, groupLabel: groupLabel(data.group) } : null);
    if (!target) return;
    const job: Job = {
      ...what,
      group: target.group,
      groupLabel: target.groupLabel,
      seq: ++this.#seq,
    };
    this.#waiting.mark(job);
    const p = this.progress.get(job.group);
    this.progress.set(job.group, {
      groupLabel: job.groupLabel,
      waiting: (p?.waiting ?? 0) + 1,
      saved: p?.saved ?? [],
      notSaved: p?.notSaved ?? [],
    });
    this.#queue.push(job);
    void this.#work();
  }

  /** Records what came of a change to a group that is not on screen. */
  #noteElsewhere(job: Job, saved: string | null, notSaved: string | null) {
    const p = this.progress.get(job.group);
    if (!p) return;
    this.progress.set(job.group, {
      ...p,
      saved: saved ? [...p.saved, saved] : p.saved,
      notSaved: notSaved ? [...p.notSaved, notSaved] : p.notSaved,
    });
  }

  #finished(job: Job) {
    const p = this.progress.get(job.group);
    if (!p) return;
    const waiting = p.waiting - 1;
    if (waiting <= 0 && p.saved.length + p.notSaved.length === 0) this.progress.delete(job.group);
    else this.progress.set(job.group, { ...p, waiting: Math.max(0, waiting) });
  }

  async #work(): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
        try {
          await this.#run(job);
        } finally {
          this.#finished(job);
        }
      }
    } finally {
      this.#working = false;
    }
  }

  async #run(job: Job): Promise<void> {
    // What each agent had before, as DeepCall last said: the undo, offered
    // only while the group is on screen.
    const before =
      this.#screen.data?.group.id === job.group
        ? job.changes.map((c) => ({
            agentId: c.agentId,
            receivesCalls: this.#byId.get(c.agentId)?.receivesCalls ?? false,
          }))
        : null;
    const purpose = job.purpose ?? (job.isUndo ? "undo" : "change");
    try {
      let outcome = await this.#send(job.group, job.changes, false, purpose);
      if (outcome.outcome === "nobodyWouldReceive") {
        // Nothing was sent: show DeepCall's state while the manager decides.
        this.#screen.arrived(outcome.group);
        this.#waiting.settle(job);
        if (!this.#screen.isShown(job.group)) {
          // No dialog about a group the manager has left: leaving a group
          // with nobody to answer it is decided with that group in view.
          this.#noteElsewhere(job, null, nobodyElsewhereWords(job, job.groupLabel));
          return;
        }
        if (!(await this.#ask(nobodyQuestion(groupLabel(outcome.group.group))))) {
          if (this.#screen.isShown(job.group)) this.done = { message: NOTHING_CHANGED, undo: null };
          return;
        }
        this.#waiting.mark(job);
        outcome = await this.#send(job.group, job.changes, true, purpose);
      }
      this.#afterOutcome(job, outcome, before);
    } catch (e) {
      this.#afterFailure(job, e);
    }
  }

  #afterOutcome(job: Job, outcome: ChangeOutcome, before: ReceivingChange[] | null) {
    this.#screen.arrived(outcome.group);
    this.#waiting.settle(job);
    const here = this.#screen.isShown(job.group);
    if (outcome.outcome === "noLongerMembers") {
      const message = noLongerMembersWords(outcome.agentIds, here, job);
      if (!here) {
        this.#noteElsewhere(job, null, message);
        return;
      }
      this.done = null;
      this.failed = {
        group: job.group,
        message,
        error: { kind: "Rejected", message: GROUP_CHANGED, field: null, retryable: false },
        retry: null,
      };
      return;
    }
    const already = outcome.outcome === "applied" && !outcome.sent;
    if (!here) {
      const what = job.isUndo ? UNDONE_ELSEWHERE : job.describe;
      // A failure notice about that group stays: it has the reason and Retry.
      this.#noteElsewhere(job, already ? alreadyHadWords(what) : what, null);
      return;
    }
    if (this.failed?.group === job.group) this.failed = null;
    this.#clearUndo();
    const undo = job.isUndo || !before ? null : before;
    this.done = {
      message: `${already ? alreadyHadWords(job.describe) : job.describe}.`,
      undo: undo ? { group: job.group, groupLabel: job.groupLabel, changes: undo } : null,
    };
    if (undo) {
      this.#undoTimer = setTimeout(() => {
        if (this.done?.undo) this.done = { ...this.done, undo: null };
      }, UNDO_SECONDS * 1000);
    }
  }

  /** A change that failed: the switches show the group as Rust last read
   * it (the failure carries that read), never a read of the window's own. */
  #afterFailure(job: Job, e: unknown) {
    const error = asAppError(e);
    const read = lastRead(e);
    if (read) this.#screen.arrived(read);
    this.#waiting.settle(job);
    const retry = error.retryable ? job : null;
    if (!this.#screen.isShown(job.group)) {
      this.#noteElsewhere(job, null, couldNotWords(job));
      this.failed = {
        group: job.group,
        message: failedWords(job, job.changes.length, job.groupLabel),
        error,
        retry,
      };
      return;
    }
    this.#clearUndo();
    this.done = null;
    this.failed = {
      group: job.group,
      message: failedWords(job, job.changes.length),
      error,
      retry,
    };
  }

  #clearUndo() {
    if (this.#undoTimer) clearTimeout(this.#undoTimer);
    this.#undoTimer = null;
  }
}
