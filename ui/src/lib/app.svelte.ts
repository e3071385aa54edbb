import { commands, type AccountsOverview, type AppError, type AppStatus } from "../bindings";
import { asAppError } from "./errors";
import type { Screen } from "./screens";

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

  get showWelcome(): boolean {
    return !this.welcomeDone && this.overview !== null && this.overview.accounts.length === 0;
  }

  async refresh(): Promise<void> {
    this.error = null;
    try {
      const [status, overview] = await Promise.all([
        commands.appStatus(),
        commands.accountsOverview(),
      ]);
      if (status.status === "error") throw status.error;
      if (overview.status === "error") throw overview.error;
      this.status = status.data;
      this.overview = overview.data;
    } catch (e) {
      this.error = asAppError(e);
    }
  }

  setOverview(overview: AccountsOverview) {
    this.overview = overview;
  }
}

export const app = new AppModel();
