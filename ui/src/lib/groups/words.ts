import type { Group } from "../../bindings";
import { memberLabel } from "./members";

/** What the Groups screen says, each sentence written once. */

// ---- the number field -------------------------------------------------------

export const NO_NUMBER = "Enter a group number.";
export const notANumber = (typed: string) =>
  `"${typed}" is not a group number. Use digits only, for example 28.`;
export const OUT_OF_RANGE = "A group number is a whole number of 1 or more.";

// ---- the group on screen ----------------------------------------------------

/** DeepCall's status number in words. */
export function statusWords(status: number | null | undefined): string | null {
  if (status == null) return null;
  if (status === 1) return "Active";
  if (status === 0) return "Inactive";
  return `Status ${status}`;
}

/** The creation date in this computer's own language and format. */
export function createdWords(group: Group): string | null {
  if (group.createdAt == null) return null;
  const date = new Date(group.createdAt * 1000);
  if (Number.isNaN(date.getTime())) return null;
  const day = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" }).format(date);
  return group.createdBy ? `Created ${day} by user ${group.createdBy}` : `Created ${day}`;
}

/** "3 members · 2 receive calls". */
export function countWords(members: number, receiving: number): string {
  const m = members === 1 ? "1 member" : `${members.toLocaleString()} members`;
  const r = receiving === 1 ? "1 receives calls" : `${receiving.toLocaleString()} receive calls`;
  return `${m} · ${r}`;
}

/** "Saved 3 members to /home/…/group-28-members.csv". */
export function exportedWords(members: number, path: string): string {
  return `Saved ${members === 1 ? "1 member" : `${members.toLocaleString()} members`} to ${path}`;
}

// ---- a change, in words -----------------------------------------------------

/** What a change says about itself, in every message about it. */
export interface ChangeWords {
  /** What it did: "manoj (#8) no longer receives calls". */
  describe: string;
  /** What was asked, to follow "Could not" or "Did not": "stop manoj (#8) receiving calls". */
  ask: string;
  /** Who is changed, for a failure: "manoj (#8)" or "2 agents". */
  who: string;
}

const askWords = (who: string, on: boolean) =>
  on ? `let ${who} receive calls` : `stop ${who} receiving calls`;

/** One member's switch: `label` is the member as `memberLabel` names them. */
export function oneSwitchWords(label: string, on: boolean): ChangeWords {
  return {
    describe: `${label} ${on ? "now receives calls" : "no longer receives calls"}`,
    ask: askWords(label, on),
    who: label,
  };
}

/** Several members' switches in one change; `only` names the one when there is one. */
export function manySwitchesWords(count: number, on: boolean, only?: string): ChangeWords {
  const who = count === 1 && only ? only : agentsWords(count);
  const many = count === 1 ? "1 agent" : agentsWords(count);
  return {
    describe: `${many} ${on ? "now receive calls" : "no longer receive calls"}`,
    ask: askWords(who, on),
    who,
  };
}

/** An undo; `who` as for the change it undoes. */
export function undoWords(who: string): ChangeWords {
  return { describe: "The change was undone", ask: "undo the change", who };
}

/** "2 agents", when no one member is named. */
export const agentsWords = (count: number) => `${count} agents`;

/** Nothing to send: the selection already is as asked. */
export function alreadySoWords(count: number, on: boolean): string {
  return `All ${count} selected already ${on ? "receive" : "do not receive"} calls.`;
}

export const NOTHING_CHANGED = "Nothing was changed.";

/** DeepCall had every change already: said after what it did. */
export const alreadyHadWords = (what: string) => `${what} (DeepCall already had it so)`;

/** A change to a group not on screen that was undone, in that group's note. */
export const UNDONE_ELSEWHERE = "the earlier change was undone";

/** What a note says about a change that failed. */
export const couldNotWords = (c: ChangeWords) => `Could not ${c.ask}.`;

/** The question before a change that would leave nobody receiving calls. */
export function nobodyQuestion(group: string) {
  return {
    title: "Nobody will receive this group's calls",
    message: `After this change no agent in ${group} receives calls, so callers to this group will not reach anyone. Make the change anyway?`,
    confirmLabel: "Yes, nobody receives calls",
    danger: true,
  };
}

/** That question, not asked about a group the manager has left. */
export const nobodyElsewhereWords = (c: ChangeWords, group: string) =>
  `Did not ${c.ask}: then nobody would receive the calls of ${group}. Open it to decide.`;

/** Some agents changed are no longer members: nothing was sent. */
export function noLongerMembersWords(agentIds: readonly number[], here: boolean, c: ChangeWords) {
  const gone = agentIds.map((agentId) => memberLabel({ agentId, name: null })).join(", ");
  const are = agentIds.length === 1 ? "is" : "are";
  return here
    ? `${gone} ${are} no longer in this group: someone changed it meanwhile. Nothing was sent; the list now shows the group as DeepCall has it.`
    : `Could not ${c.ask}: ${gone} ${are} no longer in that group.`;
}

/** The error beside that message. */
export const GROUP_CHANGED = "The group changed on DeepCall since it was opened.";

/** A change that failed; `group` names it when it is not on screen. */
export function failedWords(c: ChangeWords, changes: number, group?: string): string {
  const s = changes === 1 ? "s" : "";
  return group
    ? `Could not change whether ${c.who} receive${s} calls in ${group}. Open that group to see what DeepCall has now.`
    : `Could not change whether ${c.who} receive${s} calls. The switches show what DeepCall has now.`;
}

// ---- changes to groups not on screen ----------------------------------------

/** The changes to one group, counted while it is not on screen. */
export interface GroupProgress {
  groupLabel: string;
  /** Changes queued or running. */
  waiting: number;
  /** What was saved, in words, while the group was not on screen. */
  saved: string[];
  /** A sentence for each change that was not made while the group was not on screen. */
  notSaved: string[];
}

const changesWords = (n: number) => (n === 1 ? "1 change" : `${n} changes`);

/** What the changes to a group that is not on screen came to, in words. */
export function otherGroupWords(p: GroupProgress): string {
  const saved = p.saved.join("; ");
  if (p.waiting > 0) {
    const sofar = p.saved.length > 0 ? ` Saved so far: ${saved}.` : "";
    const failed = p.notSaved.length > 0 ? ` ${p.notSaved.join(" ")}` : "";
    return `Still saving ${changesWords(p.waiting)} to ${p.groupLabel}…${sofar}${failed}`;
  }
  const total = p.saved.length + p.notSaved.length;
  const failed = p.notSaved.join(" ");
  if (p.notSaved.length === 0) {
    return total === 1
      ? `Your change to ${p.groupLabel} is saved: ${saved}.`
      : `Your ${total} changes to ${p.groupLabel} are saved: ${saved}.`;
  }
  if (p.saved.length === 0) {
    return total === 1
      ? `Your change to ${p.groupLabel} was not saved. ${failed}`
      : `None of your ${total} changes to ${p.groupLabel} was saved. ${failed}`;
  }
  return `Your ${total} changes to ${p.groupLabel} are finished. Saved: ${saved}. ${failed}`;
}
