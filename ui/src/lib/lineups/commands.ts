import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type Application,
  type ExportDone,
  type GroupPreview,
  type GroupProgress,
  type GroupSummary,
  type Lineup,
  type LineupGroup,
  type People,
  type Place,
  type RecentGroup,
  type Slot,
} from "../../bindings";
import { call } from "../ipc";
import type { OnGroup } from "./applying.svelte";

/** A channel that tells `onGroup` as each group of an application ends. */
export function progress(onGroup: OnGroup): Channel<GroupProgress> {
  const channel = new Channel<GroupProgress>();
  channel.onmessage = (p) => onGroup(p.index, p.total, p.group);
  return channel;
}

/** The commands the Line-ups screen uses. */
export interface LineupCommands {
  list(): Promise<Lineup[]>;
  saveCurrent(name: string, groups: number[]): Promise<Lineup>;
  rename(id: number, name: string): Promise<Lineup>;
  setMember(id: number, group: number, agent: number, on: boolean): Promise<Lineup>;
  setSlots(id: number, slots: Slot[]): Promise<Lineup>;
  /** Moves a line-up one place earlier (or later); the list in its order. */
  move(id: number, earlier: boolean): Promise<Lineup[]>;
  remove(id: number): Promise<void>;
  preview(id: number): Promise<GroupPreview[]>;
  apply(
    account: string | null,
    id: number,
    allowNobody: number[],
    scheduled: boolean,
    onGroup: OnGroup,
  ): Promise<Application>;
  undo(
    account: string | null,
    name: string,
    undo: LineupGroup[],
    onGroup: OnGroup,
  ): Promise<Application>;
  exportCsv(id: number): Promise<ExportDone | null>;
  /** `null`: DeepCall does not list the account's groups. */
  groupChoices(): Promise<GroupSummary[] | null>;
  recentGroups(): Promise<RecentGroup[]>;
}

export const LINEUP_COMMANDS: LineupCommands = {
  list: () => call(commands.lineupsList()),
  saveCurrent: (name, groups) => call(commands.lineupSaveCurrent(name, groups)),
  rename: (id, name) => call(commands.lineupRename(id, name)),
  setMember: (id, group, agent, on) => call(commands.lineupSetMember(id, group, agent, on)),
  setSlots: (id, slots) => call(commands.lineupSetSlots(id, slots)),
  move: (id, earlier) => call(commands.lineupMove(id, earlier)),
  remove: async (id) => {
    await call(commands.lineupDelete(id));
  },
  preview: (id) => call(commands.lineupPreview(id)),
  apply: (account, id, allowNobody, scheduled, onGroup) =>
    call(commands.lineupApply(account, id, allowNobody, scheduled, progress(onGroup))),
  undo: (account, name, undo, onGroup) =>
    call(commands.lineupUndo(account, name, undo, progress(onGroup))),
  exportCsv: (id) => call(commands.lineupExport(id)),
  groupChoices: () => call(commands.groupChoices()),
  recentGroups: () => call(commands.recentGroups()),
};

/** The commands the People screen uses. */
export interface PeopleCommands {
  overview(): Promise<People>;
  offPreview(agent: number, places: Place[]): Promise<GroupPreview[]>;
  off(
    account: string | null,
    agent: number,
    name: string | null,
    places: Place[],
    allowNobody: number[],
    onGroup: OnGroup,
  ): Promise<Application>;
  backPreview(agent: number): Promise<GroupPreview[]>;
  back(account: string | null, agent: number, onGroup: OnGroup): Promise<Application>;
}

export const PEOPLE_COMMANDS: PeopleCommands = {
  overview: () => call(commands.peopleOverview()),
  offPreview: (agent, places) => call(commands.peopleOffPreview(agent, places)),
  off: (account, agent, name, places, allowNobody, onGroup) =>
    call(commands.peopleOff(account, agent, name, places, allowNobody, progress(onGroup))),
  backPreview: (agent) => call(commands.peopleBackPreview(agent)),
  back: (account, agent, onGroup) => call(commands.peopleBack(account, agent, progress(onGroup))),
};
