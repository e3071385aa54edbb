import {
  commands,
  TIDY_DAY_CHOICES,
  TIDY_DEFAULT_DAYS,
  type AppError,
  type Tidied,
  type TidyEstimate,
} from "../../bindings";
import { confirm } from "../confirm.svelte";
import { asAppError } from "../errors";
import { call } from "../ipc";

/** "12 MB", "350 KB", "less than 1 KB": a size as a manager reads it. */
export function sizeText(bytes: number): string {
  if (bytes >= 1_000_000) return `${Math.round(bytes / 1_000_000).toLocaleString()} MB`;
  if (bytes >= 1_000) return `${Math.round(bytes / 1_000).toLocaleString()} KB`;
  return "less than 1 KB";
}

/** "about 12 MB": a size that is only an estimate. */
export function sizeWords(bytes: number): string {
  return bytes >= 1_000 ? `about ${sizeText(bytes)}` : sizeText(bytes);
}

const plural = (n: number, one: string, many: string) =>
  `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** "3 bulk runs, 12,400 rows, about 12 MB". */
export function copiesWords(e: TidyEstimate): string {
  return `${plural(e.runs, "bulk run", "bulk runs")}, ${plural(e.rows, "row", "rows")}, ${sizeWords(e.bytes)}`;
}

/** What the offer says, for the age chosen. */
export function offerWords(e: TidyEstimate): string {
  if (e.runs === 0)
    return `No bulk run that ended more than ${e.days} days ago keeps a copy of its file's rows.`;
  return (
    `Bulk runs that ended more than ${e.days} days ago keep a copy of their files' rows ` +
    `(${copiesWords(e)}). Remove those copies? Every change stays in History.`
  );
}

/** What is said once the copies are gone. */
export function doneWords(t: Tidied): string {
  return (
    `Removed the copies of ${plural(t.runs, "bulk run", "bulk runs")} ` +
    `(${plural(t.rows, "row", "rows")}). History's file went from ` +
    `${sizeText(t.fileBefore)} to ${sizeText(t.fileAfter)}.`
  );
}

const estimate = (days: number): Promise<TidyEstimate> => call(commands.historyTidyEstimate(days));

/**
 * History's offer to remove the copies of old bulk runs' files. It is
 * shown while a run that ended more than the shortest age offered keeps
 * one, so a manager who picks a shorter age still finds it.
 */
export class TidyModel {
  days = $state<number>(TIDY_DEFAULT_DAYS);
  /** For the age chosen; `null` until read. */
  estimate = $state.raw<TidyEstimate | null>(null);
  /** Whether any run at the shortest age keeps a copy. */
  offered = $state(false);
  busy = $state(false);
  done = $state<string | null>(null);
  error = $state<AppError | null>(null);

  readonly choices = TIDY_DAY_CHOICES;

  async start(): Promise<void> {
    this.error = null;
    try {
      const shortest = Math.min(...this.choices);
      const [any, chosen] = await Promise.all([estimate(shortest), estimate(this.days)]);
      this.offered = any.runs > 0;
      this.estimate = chosen;
    } catch (e) {
      // The offer is not worth an error of its own on opening History.
      this.offered = false;
      this.error = asAppError(e);
    }
  }

  async choose(days: number): Promise<void> {
    this.days = days;
    this.done = null;
    try {
      this.estimate = await estimate(days);
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  /** Asks first, then removes the copies and makes History's file smaller. */
  async remove(): Promise<void> {
    const e = this.estimate;
    if (!e || e.runs === 0) return;
    const ok = await confirm({
      title: `Remove the copies of ${plural(e.runs, "bulk run", "bulk runs")}?`,
      message:
        `DeepCall Desk's own copy of the rows of bulk runs that ended more than ${e.days} days ago ` +
        `(${copiesWords(e)}) is removed, and History's file is made smaller. Your CSV files are ` +
        "not touched. Every change those runs sent stays in History, with its outcome; only " +
        "their results files can no longer be saved. This cannot be undone.",
      confirmLabel: "Remove the copies",
      cancelLabel: "Keep them",
      danger: true,
    });
    if (!ok) return;
    this.busy = true;
    this.error = null;
    this.done = null;
    try {
      const tidied = await call(commands.historyTidy(e.days));
      // The offer is read again before the removal is announced, so that
      // "Removed…" never stands beside an offer of what was just removed.
      await this.start();
      this.done = doneWords(tidied);
    } catch (err) {
      this.error = asAppError(err);
    } finally {
      this.busy = false;
    }
  }
}
