import {
  commands,
  SANDBOX_ACCOUNT,
  type AccountsOverview,
  type AppError,
  type AppStatus,
  type ContactForm,
  type ContactLookup,
  type GroupId,
  type Purpose,
  type ReceivingChange,
} from "../bindings";
import { asAppError } from "./errors";
import { call, callOr } from "./ipc";
import type { Screen } from "./screens";

/** What another screen asked the next one to do as it opens (History's
 * "Open this contact", "Try again", "Revert", "Open this group"; the
 * schedule's "Apply now…"). */
export type Intent =
  | { kind: "findContact"; number: string }
  | {
      kind: "editContact";
      lookup: ContactLookup;
      from: { edited: ContactForm; purpose: Purpose };
    }
  | { kind: "openGroup"; group: GroupId; tryAgain: ReceivingChange | null }
  | { kind: "applyLineup"; lineup: number };

/** What the whole window shares: status, accounts, the current screen. */
class AppModel {
  status = $state<AppStatus | null>(null);
  overview = $state<AccountsOverview | null>(null);
  error = $state<AppError | null>(null);
  screen = $state<Screen>("groups");
  /** The manager chose the Sandbox on the welcome screen. */
  welcomeDone = $state(false);
  /** Open the add-account form when the Accounts screen shows. */
  wantNewAccount = $state(false);
  /** For the screen being opened; it takes it as it starts. */
  intent = $state.raw<Intent | null>(null);
  /** Counts screen changes asked for by a screen: the frame then moves the
   * focus to the new screen's heading. */
  moved = $state(0);
  /** History entries whose outcome is unknown (the badge on History). */
  unknownChanges = $state(0);
  /** Bulk updates an earlier start did not finish (the badge on Bulk update). */
  unfinishedRuns = $state(0);

  /** The History key of the active account: its id, or the Sandbox's. */
  get activeKey(): string {
    return this.overview?.activeId ?? SANDBOX_ACCOUNT;
  }

  /** Opens `screen` from another screen, with what it should do first. */
  navigate(screen: Screen, intent: Intent | null = null) {
    this.intent = intent;
    this.welcomeDone = true;
    this.screen = screen;
    this.moved += 1;
  }

  /** The intent left for the screen now opening, once. */
  takeIntent(): Intent | null {
    const i = this.intent;
    this.intent = null;
    return i;
  }

  /** Reads how many History outcomes are unknown, for the badge. Quiet on
   * failure: the History screen itself says what is wrong. */
  async refreshUnknown(): Promise<void> {
    const overview = await callOr(commands.historyOverview(), null);
    // Else the badge stays as it was.
    if (overview) this.unknownChanges = overview.unknown;
  }

  /** Reads how many bulk updates an earlier start left unfinished, for
   * the badge. Quiet on failure: the Bulk update screen says what is wrong. */
  async refreshUnfinished(): Promise<void> {
    const runs = await callOr(commands.bulkUnfinished(), null);
    // Else the badge stays as it was.
    if (runs) this.unfinishedRuns = runs.length;
  }

  get showWelcome(): boolean {
    return !this.welcomeDone && this.overview !== null && this.overview.accounts.length === 0;
  }

  async refresh(): Promise<void> {
    this.error = null;
    try {
      const [status, overview] = await Promise.all([
        call(commands.appStatus()),
        call(commands.accountsOverview()),
      ]);
      this.status = status;
      this.overview = overview;
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  setOverview(overview: AccountsOverview) {
    this.overview = overview;
  }
}

export const app = new AppModel();
