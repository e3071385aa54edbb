import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type AppError,
  type BatchSummary,
  type BulkFile,
  type Control,
  type Counts,
  type MappingProblem_Serialize as MappingProblem,
  type RowFilter,
  type RowPreview_Serialize as RowPreview,
  type RowResult_Serialize as RowResult,
  type RunProgress_Deserialize as RunProgress,
  type SameCaller,
} from "../../bindings";
import { app } from "../app.svelte";
import { confirm } from "../confirm.svelte";
import { asAppError } from "../errors";
import { call } from "../ipc";
import { Paged } from "../paged.svelte";
import { CUSTOM, choiceOf, mappingOf, type Choice } from "./mapping";
import { agoWords, count, rowsWords } from "./words";

export type Step = "start" | "columns" | "preview" | "sending" | "results";

/** The checked file's counts and the numbers its ready rows blacklist, as
 * the preview numbered `preview` has them: a start names that number. */
export interface Checked {
  preview: number;
  counts: Counts;
  blankRows: number;
  blacklisting: string[];
  sameCaller: SameCaller;
}

/**
 * The Bulk update screen's state, step by step: the file and its column
 * choices, the preview, the blacklist gate, the run and its results. One
 * model for the app's life, so a run (and the manager's choices) stay when
 * the screen is left and opened again.
 */
export class BulkModel {
  step = $state<Step>("start");

  // ---- start ---------------------------------------------------------------
  /** Runs an earlier start of the app did not finish; `null` until read. */
  unfinished = $state.raw<BatchSummary[] | null>(null);
  unfinishedError = $state<AppError | null>(null);
  /** A run being resumed or ended, by id. */
  busyRun = $state<number | null>(null);
  runNote = $state<{ text: string; error?: AppError } | null>(null);
  choosing = $state(false);
  chooseError = $state<AppError | null>(null);

  // ---- columns -------------------------------------------------------------
  file = $state.raw<BulkFile | null>(null);
  choices = $state<Choice[]>([]);
  mappingProblems = $state.raw<MappingProblem[]>([]);
  checking = $state(false);
  checkError = $state<AppError | null>(null);

  // ---- preview -------------------------------------------------------------
  checked = $state.raw<Checked | null>(null);
  /** What to send of rows whose numbers may be the same caller. */
  sameCaller = $state<SameCaller>("keepBoth");
  filter = $state<RowFilter>("all");
  rows = new Paged<RowPreview>((offset, limit) => {
    const file = this.file;
    if (!file) return Promise.resolve({ total: 0, rows: [] });
    return call(commands.bulkPreviewRows(file.file, this.filter, offset, limit));
  });
  gateOpen = $state(false);
  starting = $state(false);
  startError = $state<AppError | null>(null);

  // ---- sending -------------------------------------------------------------
  batch = $state.raw<BatchSummary | null>(null);
  progress = $state.raw<RunProgress | null>(null);
  watchError = $state<AppError | null>(null);
  controlError = $state<AppError | null>(null);
  controlling = $state(false);
  #watching: number | null = null;

  // ---- results -------------------------------------------------------------
  results = new Paged<RowResult>((offset, limit) => {
    const batch = this.batch;
    if (!batch) return Promise.resolve({ total: 0, rows: [] });
    return call(commands.bulkResults(batch.id, offset, limit));
  });
  saving = $state(false);
  savedNote = $state<string | null>(null);
  saveError = $state<AppError | null>(null);

  /** The screen opens: reads the unfinished runs (on the first step), and
   * follows a run under way again. */
  async enter(): Promise<void> {
    if (this.step === "start") await this.loadUnfinished();
    else if (this.step === "sending" && this.batch) void this.watch(this.batch.id);
  }

  async loadUnfinished(): Promise<void> {
    this.unfinishedError = null;
    try {
      const runs = await call(commands.bulkUnfinished());
      this.unfinished = runs;
      app.unfinishedRuns = runs.length;
    } catch (e) {
      this.unfinishedError = asAppError(e);
    }
  }

  /** "Choose a CSV file…": Rust opens the dialog and reads the file. */
  async choose(): Promise<void> {
    this.chooseError = null;
    this.choosing = true;
    try {
      const file = await call(commands.bulkChooseFile());
      if (!file) return;
      this.file = file;
      this.choices = file.mapping.columns.map((c) => choiceOf(c.target));
      this.mappingProblems = [];
      this.checkError = null;
      this.checked = null;
      this.sameCaller = "keepBoth";
      this.rows.clear();
      this.step = "columns";
    } catch (e) {
      this.chooseError = asAppError(e);
    } finally {
      this.choosing = false;
    }
  }

  /** The problems concerning column `index`. */
  problemsOf(index: number): MappingProblem[] {
    return this.mappingProblems.filter((p) => p.column === index);
  }

  /** A column's choice changed: its old problems no longer apply. */
  setChoice(index: number, value: string) {
    const old = this.choices[index];
    if (!old) return;
    this.choices[index] = { value, custom: value === CUSTOM ? old.custom : "" };
    this.mappingProblems = this.mappingProblems.filter((p) => p.column !== index);
  }

  setCustom(index: number, name: string) {
    const old = this.choices[index];
    if (old) this.choices[index] = { ...old, custom: name };
  }

  /** "Check the rows": every row checked with the editor's rules. The
   * choices stay as they are, whatever the answer. */
  async check(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.checkError = null;
    const unnamed = this.choices.flatMap((c, i) =>
      c.value === CUSTOM && !c.custom.trim()
        ? [
            {
              column: i,
              message: `Column “${file.headers[i] ?? i + 1}”: type the custom field’s name, or choose another field.`,
            },
          ]
        : [],
    );
    if (unnamed.length > 0) {
      this.mappingProblems = unnamed;
      return;
    }
    this.checking = true;
    try {
      const r = await call(
        commands.bulkPreview(
          file.file,
          mappingOf(file.headers, $state.snapshot(this.choices)),
          this.sameCaller,
        ),
      );
      if (r.kind === "mapping") {
        this.mappingProblems = r.problems.map((p) => ({
          column: p.column ?? null,
          message: p.message,
        }));
        this.checked = null;
        this.step = "columns";
        return;
      }
      this.mappingProblems = [];
      this.checked = {
        preview: r.preview,
        counts: r.counts,
        blankRows: r.blankRows,
        blacklisting: r.blacklisting,
        sameCaller: r.sameCaller,
      };
      // A choice made on the preview keeps the rows the manager is looking at.
      if (this.step !== "preview") this.filter = "all";
      this.startError = null;
      this.step = "preview";
      await this.rows.reload();
    } catch (e) {
      this.checkError = asAppError(e);
    } finally {
      this.checking = false;
    }
  }

  /** "Keep both" or "Keep the last": the preview is made again with it
   * (the counts, the rows and the blacklist confirmation follow). */
  async chooseSameCaller(choice: SameCaller): Promise<void> {
    if (choice === this.sameCaller || this.checking) return;
    const before = this.sameCaller;
    this.sameCaller = choice;
    await this.check();
    if (this.checkError) this.sameCaller = before;
  }

  /** Which rows the preview lists. */
  async show(filter: RowFilter): Promise<void> {
    this.filter = filter;
    await this.rows.reload();
  }

  backToColumns() {
    this.gateOpen = false;
    this.step = "columns";
  }

  /** The rows "Send…" would send: every ready row. */
  get readyRows(): number {
    return this.checked?.counts.ready ?? 0;
  }

  /** "Send N rows": through the blacklist gate when any row blacklists. */
  async send(): Promise<void> {
    if (!this.checked) return;
    if (this.checked.counts.blacklisting > 0) {
      this.gateOpen = true;
      return;
    }
    await this.start(null);
  }

  /** The gate's answer: `null` is Go back (nothing is sent); `true` confirms
   * the blacklisting rows the gate named, `false` sends only the others. */
  async answerGate(blacklisting: boolean | null): Promise<void> {
    this.gateOpen = false;
    if (blacklisting === null) return;
    await this.start(blacklisting ? (this.checked?.counts.blacklisting ?? 0) : null);
  }

  /** Starts the preview shown; `confirmed` is the number of blacklisting
   * rows the manager confirmed (`null`: send only the other rows). Rust
   * refuses it if the preview changed since. */
  async start(confirmed: number | null): Promise<void> {
    const file = this.file;
    const checked = this.checked;
    if (!file || !checked || this.starting) return;
    this.startError = null;
    this.starting = true;
    try {
      const batch = await call(
        commands.bulkStart(file.file, checked.preview, confirmed, app.overview?.activeId ?? null),
      );
      this.#begin(batch);
    } catch (e) {
      this.startError = asAppError(e);
    } finally {
      this.starting = false;
    }
  }

  /** "Resume" on an unfinished run; with `blacklisting`, the rows still to
   * send that blacklist are sent too, once the manager confirms it again. */
  async resume(run: BatchSummary, blacklisting: boolean): Promise<void> {
    this.runNote = null;
    let confirmed: number | null = null;
    if (blacklisting && run.blacklistingLeft > 0) {
      const n = run.blacklistingLeft;
      const yes = await confirm({
        title: `Blacklist ${n === 1 ? "1 contact" : `${count(n)} contacts`}?`,
        message: `${rowsWords(n)} still to send in this run ${n === 1 ? "blacklists its contact" : "blacklist their contacts"}. A blacklisted number may get no further calls or messages from your account. The run was started ${agoWords(Date.now() - run.createdMs)}: check that this is still wanted.`,
        confirmLabel: `Blacklist and resume`,
        cancelLabel: "Go back",
        danger: true,
      });
      if (!yes) return;
      confirmed = n;
    }
    this.busyRun = run.id;
    try {
      const batch = await call(
        commands.bulkResume(run.id, confirmed, app.overview?.activeId ?? null),
      );
      this.unfinished = (this.unfinished ?? []).filter((r) => r.id !== run.id);
      app.unfinishedRuns = this.unfinished.length;
      this.#begin(batch);
    } catch (e) {
      this.runNote = {
        text: `The run from “${run.source}” was not resumed.`,
        error: asAppError(e),
      };
    } finally {
      this.busyRun = null;
    }
  }

  /** "End it here": the rows not sent stay unsent. */
  async end(run: BatchSummary): Promise<void> {
    this.runNote = null;
    this.busyRun = run.id;
    try {
      await call(commands.bulkControl(run.id, "cancel"));
      this.runNote = {
        text: `The bulk update from “${run.source}” was ended. Rows not sent were not sent.`,
      };
      await this.loadUnfinished();
    } catch (e) {
      this.runNote = { text: `The run from “${run.source}” was not ended.`, error: asAppError(e) };
    } finally {
      this.busyRun = null;
    }
  }

  #begin(batch: BatchSummary) {
    this.batch = batch;
    this.progress = null;
    this.watchError = null;
    this.controlError = null;
    this.savedNote = null;
    this.saveError = null;
    this.results.clear();
    this.step = "sending";
    void this.watch(batch.id);
  }

  /** Follows the run until it ends (again after the screen was left). */
  async watch(id: number): Promise<void> {
    if (this.#watching === id) return;
    this.#watching = id;
    this.watchError = null;
    const channel = new Channel<RunProgress>();
    channel.onmessage = (p) => {
      if (this.batch?.id === p.batch) this.progress = p;
    };
    try {
      const end = await call(commands.bulkWatch(id, channel));
      if (this.batch?.id !== id) return;
      if (end.state === "paused") {
        // The run paused itself (the sign-in refused, DeepCall out of
        // reach): it is offered for Resume, with why.
        this.batch = null;
        this.progress = null;
        this.step = "start";
        await this.loadUnfinished();
        return;
      }
      this.batch = end;
      this.step = "results";
      await this.results.reload();
      void app.refreshUnknown();
    } catch (e) {
      if (this.batch?.id === id) this.watchError = asAppError(e);
    } finally {
      if (this.#watching === id) this.#watching = null;
    }
  }

  get paused(): boolean {
    return this.progress?.paused ?? this.batch?.state === "paused";
  }

  async control(control: Control): Promise<void> {
    const batch = this.batch;
    if (!batch || this.controlling) return;
    this.controlError = null;
    this.controlling = true;
    try {
      await call(commands.bulkControl(batch.id, control));
      if (this.progress && control !== "cancel")
        this.progress = { ...this.progress, paused: control === "pause" };
    } catch (e) {
      this.controlError = asAppError(e);
    } finally {
      this.controlling = false;
    }
  }

  /** "Cancel": asks first; the safe answer keeps sending. */
  async cancel(): Promise<void> {
    const stop = await confirm({
      title: "Stop sending?",
      message:
        "Rows already sent stay changed. Rows not sent yet are not sent; the results list them as not sent.",
      confirmLabel: "Stop sending",
      cancelLabel: "Keep sending",
      danger: true,
    });
    if (stop) await this.control("cancel");
  }

  /** Rows of the file the run did not include (skipped or left out by the preview). */
  get leftOut(): number {
    const total = this.results.total;
    return total === null || !this.batch ? 0 : Math.max(0, total - this.batch.rows);
  }

  async save(): Promise<void> {
    const batch = this.batch;
    if (!batch) return;
    this.savedNote = null;
    this.saveError = null;
    this.saving = true;
    try {
      const r = await call(commands.bulkSaveResults(batch.id));
      if (r) this.savedNote = `Saved to ${r.path}`;
    } catch (e) {
      this.saveError = asAppError(e);
    } finally {
      this.saving = false;
    }
  }

  /** "Start another bulk update". */
  async restart(): Promise<void> {
    this.step = "start";
    this.file = null;
    this.choices = [];
    this.mappingProblems = [];
    this.checked = null;
    this.batch = null;
    this.progress = null;
    this.rows.clear();
    this.results.clear();
    this.savedNote = null;
    this.saveError = null;
    this.runNote = null;
    await this.loadUnfinished();
  }
}

export const bulk = new BulkModel();
