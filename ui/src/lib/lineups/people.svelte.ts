import type { AgentPlaces, AppError, Leave, People } from "../../bindings";
import { asAppError } from "../errors";
import { memberLabel } from "../groups/members";
import { Applying } from "./applying.svelte";
import type { PeopleCommands } from "./commands";

/**
 * The People screen: every agent of the account's groups, one chosen, and
 * "Off everywhere" or "Back as before" for them.
 */
export class PeopleModel {
  readonly #commands: PeopleCommands;
  readonly #account: string | null;

  constructor(commands: PeopleCommands, account: string | null) {
    this.#commands = commands;
    this.#account = account;
  }

  people = $state.raw<People | null>(null);
  loading = $state(false);
  error = $state<AppError | null>(null);
  search = $state("");
  chosenId = $state<number | null>(null);
  readonly applying = new Applying();

  async start(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      this.people = await this.#commands.overview();
    } catch (e) {
      this.error = asAppError(e);
    } finally {
      this.loading = false;
    }
  }

  /** The agents whose name or number has the search in it. */
  get shown(): AgentPlaces[] {
    const q = this.search.trim().toLocaleLowerCase().replace(/^#/, "");
    const all = this.people?.agents ?? [];
    if (q === "") return all;
    return all.filter(
      (a) => (a.name ?? "").toLocaleLowerCase().includes(q) || String(a.agentId).includes(q),
    );
  }

  get chosen(): AgentPlaces | null {
    return this.people?.agents.find((a) => a.agentId === this.chosenId) ?? null;
  }

  /** The chosen agent's leave, when this computer switched them off everywhere. */
  get leave(): Leave | null {
    return this.people?.onLeave.find((l) => l.agentId === this.chosenId) ?? null;
  }

  choose(agent: number) {
    if (this.chosenId !== agent) this.applying.reset();
    this.chosenId = agent;
  }

  /** Reads the agent's groups and shows what "Off everywhere" would change. */
  async offEverywhere(): Promise<void> {
    const agent = this.chosen;
    if (!agent) return;
    const commands = this.#commands;
    const account = this.#account;
    await this.applying.open(
      `Off everywhere for ${memberLabel(agent)}`,
      () => commands.offPreview(agent.agentId, agent.places),
      async (allowNobody, onGroup) => {
        const done = await commands.off(
          account,
          agent.agentId,
          agent.name ?? null,
          agent.places,
          allowNobody,
          onGroup,
        );
        await this.start();
        return done;
      },
      null,
    );
  }

  /** Shows what "Back as before" would change. */
  async backAsBefore(agentId: number): Promise<void> {
    this.choose(agentId);
    const leave = this.people?.onLeave.find((l) => l.agentId === agentId);
    if (!leave) return;
    const commands = this.#commands;
    const account = this.#account;
    await this.applying.open(
      `Back as before for ${memberLabel({ agentId, name: leave.agentName })}`,
      () => commands.backPreview(agentId),
      async (_, onGroup) => {
        const done = await commands.back(account, agentId, onGroup);
        await this.start();
        return done;
      },
      null,
    );
  }
}
