import {
  commands,
  type AppError,
  type ChangeOutcome,
  type GroupMembers,
  type GroupSummary,
  type Member,
  type ReceivingChange,
  type RecentGroup,
} from "../../bindings";
import { confirm } from "../confirm.svelte";
import { SvelteMap, SvelteSet } from "svelte/reactivity";
import { asAppError } from "../errors";
import { memberLabel, memberName, type Filter, type Sort, visibleMembers } from "./members";

/** How long Undo stays offered after a change. */
export const UNDO_SECONDS = 8;

/** One change waiting its turn: applied strictly in the order asked. */
interface Job {
  changes: ReceivingChange[];
  /** What the change says in words, for messages. */
  describe: string;
  /** An undo offers no undo of its own. */
  isUndo: boolean;
  seq: number;
}

export interface Done {
  message: string;
  /** The changes that put things back, while Undo is offered. */
  undo: ReceivingChange[] | null;
}

export interface Failed {
  message: string;
  error: AppError;
  retry: Job | null;
}

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
   * (10,000 members would cost 10,000 proxies). */
  data = $state.raw<GroupMembers | null>(null);
  recent = $state<RecentGroup[]>([]);
  /** `null`: Group/list is not available; type a number instead. */
  choices = $state<GroupSummary[] | null>(null);

  search = $state("");
  filter = $state<Filter>("everyone");
  sort = $state<Sort>("name");
  readonly selected = new SvelteSet<number>();

  /** Agent id → the value the manager asked for, until DeepCall confirms. */
  readonly pending = new SvelteMap<number, { on: boolean; seq: number }>();
  done = $state<Done | null>(null);
  failed = $state<Failed | null>(null);
  exportNote = $state<string | null>(null);
  exportError = $state<AppError | null>(null);

  #queue: Job[] = [];
  #working = false;
  #seq = 0;
  #undoTimer: ReturnType<typeof setTimeout> | null = null;

  receives = (m: Member): boolean => this.pending.get(m.agentId)?.on ?? m.receivesCalls;

  get visible(): Member[] {
    if (!this.data) return [];
    return visibleMembers(this.data.members, this.receives, this.search, this.filter, this.sort);
  }

  get receivingCount(): number {
    return this.data ? this.data.members.filter(this.receives).length : 0;
  }

  isPending(agentId: number): boolean {
    return this.pending.has(agentId);
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
    this.loading = true;
    try {
      const r = await commands.groupMembers(group);
      // For the scripted timing of large groups (tests/e2e/groups.rs).
      performance.mark("group-arrived");
      if (r.status === "error") {
        if (r.error.kind === "InvalidInput") this.inputProblem = r.error.message;
        else this.loadError = r.error;
        return false;
      }
      this.show(r.data);
      this.done = null;
      this.failed = null;
      this.exportNote = null;
      this.exportError = null;
      this.selected.clear();
      void this.loadRecent();
      return true;
    } catch (e) {
      this.loadError = asAppError(e);
      return false;
    } finally {
      this.loading = false;
    }
  }

  /** Reads the open group again. */
  async reload(): Promise<void> {
    if (this.data) await this.open(String(this.data.group.id));
  }

  private show(group: GroupMembers) {
    this.data = group;
    this.groupInput = String(group.group.id);
  }

  /** Flips one member's switch. */
  toggle(m: Member): void {
    const on = !this.receives(m);
    this.enqueue(
      [{ agentId: m.agentId, receivesCalls: on }],
      `${memberLabel(m)} ${on ? "now receives calls" : "no longer receives calls"}`,
    );
  }

  /** Switches every selected member on or off in one change. */
  setSelected(on: boolean): void {
    if (!this.data) return;
    const ids = this.data.members.filter((m) => this.selected.has(m.agentId));
    const changes = ids
      .filter((m) => this.receives(m) !== on)
      .map((m) => ({ agentId: m.agentId, receivesCalls: on }));
    if (changes.length === 0) {
      this.done = {
        message: `All ${ids.length} selected already ${on ? "receive" : "do not receive"} calls.`,
        undo: null,
      };
      return;
    }
    const who = changes.length === 1 ? "1 agent" : `${changes.length} agents`;
    this.enqueue(changes, `${who} ${on ? "now receive calls" : "no longer receive calls"}`);
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
    const done = this.done;
    if (!done?.undo) return;
    this.clearUndo();
    this.enqueue(done.undo, "The change was undone", true);
  }

  private enqueue(changes: ReceivingChange[], describe: string, isUndo = false) {
    const job: Job = { changes, describe, isUndo, seq: ++this.#seq };
    this.markPending(job);
    this.#queue.push(job);
    void this.work();
  }

  private markPending(job: Job) {
    for (const c of job.changes) this.pending.set(c.agentId, { on: c.receivesCalls, seq: job.seq });
  }

  private settle(job: Job) {
    for (const c of job.changes) {
      if (this.pending.get(c.agentId)?.seq === job.seq) this.pending.delete(c.agentId);
    }
  }

  private async work(): Promise<void> {
    if (this.#working) return;
    this.#working = true;
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
        await this.run(job);
      }
    } finally {
      this.#working = false;
    }
  }

  private async run(job: Job): Promise<void> {
    const group = this.data;
    if (!group) return;
    const id = String(group.group.id);
    // What each agent had before, as DeepCall last said: the undo.
    const before = job.changes.map((c) => ({
      agentId: c.agentId,
      receivesCalls: group.members.find((m) => m.agentId === c.agentId)?.receivesCalls ?? false,
    }));
    try {
      let outcome = await this.send(id, job, false);
      if (outcome.outcome === "nobodyWouldReceive") {
        // Nothing was sent: show DeepCall's state while the manager decides.
        this.show(outcome.group);
        this.settle(job);
        const g = outcome.group.group;
        const yes = await confirm({
          title: "Nobody will receive this group's calls",
          message: `After this change no agent in the group ${g.name ? `“${g.name}” (#${g.id})` : `#${g.id}`} receives calls, so callers to this group will not reach anyone. Make the change anyway?`,
          confirmLabel: "Yes, nobody receives calls",
          danger: true,
        });
        if (!yes) {
          this.done = { message: "Nothing was changed.", undo: null };
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
    const r = await commands.changeReceiving(this.account, id, job.changes, allowNobody);
    if (r.status === "error") throw r.error;
    return r.data;
  }

  private afterOutcome(job: Job, outcome: ChangeOutcome, before: ReceivingChange[]) {
    this.show(outcome.group);
    this.settle(job);
    this.failed = null;
    if (outcome.outcome === "noLongerMembers") {
      const gone = outcome.agentIds.map((a) => `Agent #${a}`).join(", ");
      this.done = null;
      this.failed = {
        message: `${gone} is no longer in this group: someone changed it meanwhile. Nothing was sent; the list now shows the group as DeepCall has it.`,
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
    this.clearUndo();
    this.done = {
      message:
        outcome.outcome === "applied" && !outcome.sent
          ? `${job.describe} (DeepCall already had it so).`
          : `${job.describe}.`,
      undo: job.isUndo ? null : before,
    };
    if (!job.isUndo) {
      this.#undoTimer = setTimeout(() => {
        if (this.done?.undo) this.done = { ...this.done, undo: null };
      }, UNDO_SECONDS * 1000);
    }
  }

  private async afterFailure(job: Job, error: AppError) {
    // Show the server's state again, whatever was asked.
    try {
      const r = await commands.groupMembers(String(this.data?.group.id ?? ""));
      if (r.status === "ok") this.show(r.data);
    } catch {
      // Keep the last state DeepCall confirmed.
    }
    this.settle(job);
    this.clearUndo();
    this.done = null;
    const who =
      job.changes.length === 1 && job.changes[0]
        ? this.labelOf(job.changes[0].agentId)
        : `${job.changes.length} agents`;
    this.failed = {
      message: `Could not change whether ${who} receive${job.changes.length === 1 ? "s" : ""} calls. The switches show what DeepCall has now.`,
      error,
      retry: error.retryable ? job : null,
    };
  }

  retry(): void {
    const job = this.failed?.retry;
    if (!job) return;
    this.failed = null;
    this.enqueue(job.changes, job.describe, job.isUndo);
  }

  private labelOf(agentId: number): string {
    const m = this.data?.members.find((x) => x.agentId === agentId);
    return m ? memberLabel(m) : `Agent #${agentId}`;
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
