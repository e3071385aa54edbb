import { SvelteSet } from "svelte/reactivity";
import type { AppError, Application, GroupApplied, GroupPreview } from "../../bindings";
import { asAppError } from "../errors";
import { notChanged } from "./words";

/** Told as each group of an application ends. */
export type OnGroup = (index: number, total: number, group: GroupApplied) => void;

/** Sends what the preview showed; `allowNobody`: the groups the manager
 * said may be left with nobody receiving calls. */
export type Send = (allowNobody: number[], onGroup: OnGroup) => Promise<Application>;

/** Puts back what `application` changed. */
export type Undo = (application: Application, onGroup: OnGroup) => Promise<Application>;

/** What the screen says about an application while and after it runs. */
interface Run {
  /** "Morning", "Undo of Morning", "Off everywhere for manoj (#8)". */
  what: string;
  total: number;
  ended: GroupApplied[];
  application: Application | null;
  /** The application can be undone (it changed something, and is not an undo). */
  undoable: boolean;
}

/**
 * One preview-then-apply, as the Line-ups and People screens share it:
 * every group read and compared, the manager's yes to each group left
 * with nobody, progress group by group, and one Undo for the whole.
 */
export class Applying {
  /** What would change, group by group; `null` until read. */
  preview = $state.raw<GroupPreview[] | null>(null);
  /** What the preview is of: "Morning". */
  title = $state("");
  reading = $state(false);
  /** Groups the manager said may be left with nobody receiving calls. */
  allowNobody = new SvelteSet<number>();
  run = $state<Run | null>(null);
  running = $state(false);
  error = $state<AppError | null>(null);
  private send: Send | null = null;
  private undo: Undo | null = null;

  /** Reads the preview of `title`; `send` applies it, `undo` undoes it. */
  async open(title: string, read: () => Promise<GroupPreview[]>, send: Send, undo: Undo | null) {
    // A new preview replaces what the last application said (and its Undo).
    this.reset();
    this.title = title;
    this.allowNobody.clear();
    this.send = send;
    this.undo = undo;
    this.reading = true;
    try {
      this.preview = await read();
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.reading = false;
    }
  }

  /** Groups the preview would change. */
  get changing(): number {
    return (this.preview ?? []).filter(
      (p) =>
        p.state === "read" && (p.difference.starts.length > 0 || p.difference.stops.length > 0),
    ).length;
  }

  /** Groups left with nobody the manager has not said yes to. */
  get unanswered(): number {
    return (this.preview ?? []).filter(
      (p) =>
        p.state === "read" && p.difference.nobodyLeft && !this.allowNobody.has(p.difference.group),
    ).length;
  }

  cancel() {
    this.preview = null;
    this.send = null;
  }

  /** Forgets the preview and what the last application said: another
   * line-up or agent is on screen. Not while one runs. */
  reset() {
    if (this.running) return;
    this.cancel();
    this.run = null;
    this.error = null;
  }

  /** Applies what the preview showed. */
  async confirm(): Promise<void> {
    const send = this.send;
    if (!send || this.running) return;
    const total = this.preview?.length ?? 0;
    this.preview = null;
    await this.start(this.title, total, (onGroup) => send([...this.allowNobody], onGroup), true);
  }

  /** Undoes the application on screen, for every group at once. */
  async undoLast(): Promise<void> {
    const undo = this.undo;
    const done = this.run?.application;
    if (!undo || !done || this.running) return;
    await this.start(
      `Undo of ${this.run?.what ?? ""}`,
      done.undo.length,
      (onGroup) => undo(done, onGroup),
      false,
    );
  }

  private async start(
    what: string,
    total: number,
    go: (onGroup: OnGroup) => Promise<Application>,
    undoable: boolean,
  ) {
    this.error = null;
    this.running = true;
    const run: Run = $state({ what, total, ended: [], application: null, undoable: false });
    this.run = run;
    try {
      const application = await go((_, t, group) => {
        run.total = t;
        run.ended.push(group);
      });
      run.ended = application.groups;
      run.application = application;
      run.undoable = undoable && application.undo.length > 0 && this.undo !== null;
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.running = false;
    }
  }

  /** How many groups of the run were changed. */
  get appliedCount(): number {
    return (this.run?.ended ?? []).filter((g) => g.outcome === "applied").length;
  }

  /** How many groups of the run were refused or not sent. */
  get notChangedCount(): number {
    return (this.run?.ended ?? []).filter(notChanged).length;
  }
}
