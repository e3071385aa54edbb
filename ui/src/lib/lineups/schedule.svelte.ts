import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type AppError,
  type MissedLineup,
  type ScheduleNotice,
  type ScheduledApplied,
} from "../../bindings";
import { asAppError } from "../errors";
import { call } from "../ipc";
import { appliedWords, notChanged, scheduledWords } from "./words";
import { LINEUP_COMMANDS, type LineupCommands } from "./commands";

/** The commands the schedule's notices use: Undo is a line-up's. */
export interface ScheduleCommands extends Pick<LineupCommands, "undo"> {
  /** Starts hearing the schedule; resolves to what is already asked about. */
  watch(onNotice: (notice: ScheduleNotice) => void): Promise<MissedLineup[]>;
  answered(lineup: number): Promise<void>;
}

export const SCHEDULE_COMMANDS: ScheduleCommands = {
  watch: (onNotice) => {
    const channel = new Channel<ScheduleNotice>();
    channel.onmessage = onNotice;
    return call(commands.scheduleWatch(channel));
  },
  answered: async (lineup) => {
    await call(commands.scheduleAnswered(lineup));
  },
  undo: LINEUP_COMMANDS.undo,
};

/** Line-ups applied on time, as the notice says them. */
interface AppliedNotice {
  headline: string;
  lines: string[];
  applied: ScheduledApplied[];
  undone: boolean;
}

/** The schedule's notices, for the whole window: the question about a
 * missed time, and what was applied on time, with Undo. */
export class ScheduleModel {
  readonly #commands: ScheduleCommands;

  constructor(commands: ScheduleCommands) {
    this.#commands = commands;
  }

  missed = $state<MissedLineup[]>([]);
  notice = $state<AppliedNotice | null>(null);
  undoing = $state(false);
  error = $state<AppError | null>(null);

  /** The question on screen: the earliest missed time first. */
  get asking(): MissedLineup | null {
    return this.missed[0] ?? null;
  }

  /** Quiet when the window cannot hear the schedule (Rust always lets
   * it): the schedule itself runs in the app, and every line-up it applies
   * is in History all the same. */
  async start(): Promise<void> {
    try {
      const missed = await this.#commands.watch((n) => this.hear(n));
      if (this.missed.length === 0) this.missed = missed;
    } catch {
      // Nothing to show: see above.
    }
  }

  hear(notice: ScheduleNotice) {
    if (notice.notice === "missed") {
      this.missed = notice.missed;
      return;
    }
    this.notice = {
      headline: scheduledWords(
        notice.when,
        notice.applied.map((a) => a.name),
        notice.applied.flatMap((a) => a.application.groups).filter(notChanged).length,
      ),
      lines: notice.applied.flatMap((a) => a.application.groups.map(appliedWords)),
      applied: notice.applied,
      undone: false,
    };
  }

  /** The manager answered the question about `lineup`. */
  async answer(lineup: number): Promise<void> {
    this.missed = this.missed.filter((m) => m.lineup !== lineup);
    await this.#commands.answered(lineup).catch(() => undefined);
  }

  dismiss() {
    this.notice = null;
  }

  /** Undoes what the schedule applied, the last line-up first. */
  async undo(account: string | null): Promise<void> {
    const notice = this.notice;
    if (!notice || this.undoing) return;
    this.undoing = true;
    this.error = null;
    const lines: string[] = [];
    try {
      for (const a of [...notice.applied].reverse()) {
        if (a.application.undo.length === 0) continue;
        const undone = await this.#commands.undo(account, a.name, a.application.undo, () => {});
        lines.push(...undone.groups.map(appliedWords));
      }
      this.notice = {
        ...notice,
        headline: `Undone: ${notice.applied.map((a) => a.name).join(", ")}.`,
        lines,
        undone: true,
      };
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.undoing = false;
    }
  }
}

export const schedule = new ScheduleModel(SCHEDULE_COMMANDS);
