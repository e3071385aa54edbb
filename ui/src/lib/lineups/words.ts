import type { GroupApplied, GroupDifference, GroupPreview, Lineup, Named } from "../../bindings";
import { memberLabel } from "../groups/members";

/** What the Line-ups and People screens say, each sentence written once. */

const count = (n: number, one: string, many: string) =>
  n === 1 ? `1 ${one}` : `${n.toLocaleString()} ${many}`;

/** "manoj (#8), bhawesh (#3) and 2 more". */
export function namesWords(named: Named[], shown = 3): string {
  const labels = named.slice(0, shown).map(memberLabel);
  const more = named.length - labels.length;
  if (more > 0) return `${labels.join(", ")} and ${more.toLocaleString()} more`;
  if (labels.length <= 1) return labels.join("");
  return `${labels.slice(0, -1).join(", ")} and ${labels[labels.length - 1]}`;
}

/** A group as the lists name it: "Mahipal singh (#28)". */
export const groupWords = (name: string, id: number) =>
  name ? `${name} (#${id})` : `Group #${id}`;

/** "Mahipal singh: 2 start, 1 stops", or that nothing changes. */
export function differenceHeadline(d: GroupDifference): string {
  const group = d.groupName || `Group #${d.group}`;
  const parts: string[] = [];
  if (d.starts.length > 0) parts.push(`${d.starts.length.toLocaleString()} start`);
  if (d.stops.length > 0)
    parts.push(`${d.stops.length.toLocaleString()} ${d.stops.length === 1 ? "stops" : "stop"}`);
  return parts.length > 0 ? `${group}: ${parts.join(", ")}` : `${group}: no change`;
}

/** The lines under a group's headline in a preview; `others`: name the
 * members the line-up does not know (a line-up's preview does; People's,
 * which switches one agent, does not). */
export function differenceDetails(d: GroupDifference, others = true): string[] {
  const lines: string[] = [];
  if (d.starts.length > 0) lines.push(`Start receiving calls: ${namesWords(d.starts)}.`);
  if (d.stops.length > 0) lines.push(`Stop receiving calls: ${namesWords(d.stops)}.`);
  if (d.left.length > 0)
    lines.push(
      `${namesWords(d.left)} ${d.left.length === 1 ? "has" : "have"} left the group since the line-up was saved: skipped.`,
    );
  if (others && d.notInLineup.length > 0)
    lines.push(
      `${namesWords(d.notInLineup)} ${d.notInLineup.length === 1 ? "is" : "are"} not in the line-up and ${d.notInLineup.length === 1 ? "keeps their" : "keep their"} current setting.`,
    );
  return lines;
}

/** The warning on a group the preview would leave without anyone. */
export const nobodyWords = (d: GroupDifference) =>
  `Nobody would receive calls in ${d.groupName || `group #${d.group}`} afterwards. Callers to this group would not be answered.`;

/** The yes the manager gives to leaving a group with nobody. */
export const nobodyConsent = (d: GroupDifference) =>
  `Apply to ${d.groupName || `group #${d.group}`} anyway`;

/** A group the preview could not read. */
export const notReadWords = (p: Extract<GroupPreview, { state: "notRead" }>) =>
  `${groupWords(p.groupName, p.group)} could not be read, so it is not changed: ${p.message}`;

/** Whether a group of an application was refused or not sent (as
 * against changed, or already as it should be). */
export const notChanged = (g: GroupApplied) =>
  g.outcome === "failed" || g.outcome === "nobodyWouldReceive";

/** How one group of an application ended, in a sentence. */
export function appliedWords(g: GroupApplied): string {
  switch (g.outcome) {
    case "applied":
      return `${differenceHeadline(g.difference)} — done, and DeepCall shows it.`;
    case "unchanged":
      return `${g.difference.groupName || `Group #${g.difference.group}`}: already as the line-up has it; nothing was sent.`;
    case "nobodyWouldReceive":
      return `${g.difference.groupName || `Group #${g.difference.group}`}: not changed, because nobody would have received its calls.`;
    case "failed":
      return `${groupWords(g.groupName, g.group)}: not changed. ${g.message}${g.unsure ? " Whether DeepCall applied it is not known: History's Check now reads it again." : ""}`;
  }
}

/** The groups an application would send to, for the Apply button. */
export const applyLabel = (groups: number) => `Apply to ${count(groups, "group", "groups")}`;

/** Progress while an application runs. */
export const progressWords = (done: number, total: number) =>
  `Applying… ${done.toLocaleString()} of ${count(total, "group", "groups")} done.`;

/** The summary once an application has ended: `changed` groups sent and
 * confirmed, `notChanged` refused or not sent (listed below); the rest
 * were already as it would make them. */
export function appliedSummary(
  what: string,
  changed: number,
  notChanged: number,
  total: number,
): string {
  const already = total - changed - notChanged;
  const parts = [`${count(changed, "group", "groups")} changed`];
  if (already > 0) parts.push(`${already.toLocaleString()} already as it should be`);
  const said = `${what}: ${parts.join(", ")}.`;
  return notChanged === 0
    ? said
    : `${said} ${notChanged === 1 ? "1 group was" : `${notChanged.toLocaleString()} groups were`} not changed: see below.`;
}

/** "3 groups · 5 receive calls": a line-up's size, as its list and heading say it. */
export function lineupCountWords(l: Pick<Lineup, "groups">): string {
  const receiving = l.groups.reduce(
    (n, g) => n + g.members.filter((m) => m.receivesCalls).length,
    0,
  );
  return `${count(l.groups.length, "group", "groups")} · ${count(receiving, "receives calls", "receive calls")}`;
}

/** Days of the week as a schedule row offers them. */
export const DAY_CHOICES = [
  { value: "weekdays", label: "Weekdays (Monday to Friday)" },
  { value: "everyDay", label: "Every day" },
  { value: "weekends", label: "Weekends (Saturday and Sunday)" },
  { value: "monday", label: "Monday" },
  { value: "tuesday", label: "Tuesday" },
  { value: "wednesday", label: "Wednesday" },
  { value: "thursday", label: "Thursday" },
  { value: "friday", label: "Friday" },
  { value: "saturday", label: "Saturday" },
  { value: "sunday", label: "Sunday" },
] as const;

/** "at 18:00" for today's time, "yesterday at 18:00" for another day's
 * (the time's own words come from Rust, which adds "at" to a day). */
const atWords = (when: string) => (/^\d/.test(when) ? `at ${when}` : when);

/** The question asked at start about a time missed while the app was closed. */
export const missedQuestion = (name: string, when: string) =>
  `The ${name} line-up was due ${atWords(when)} — apply it now?`;

/** The notice after line-ups were applied on time; `notChanged`: groups
 * that could not be changed, which the notice lists below. */
export function scheduledWords(when: string, names: string[], notChanged = 0): string {
  const what =
    names.length === 1
      ? `On schedule ${atWords(when)}: the ${names[0]} line-up was applied.`
      : `On schedule ${atWords(when)}: ${names.length} line-ups were due at once and were applied in their order: ${names.slice(0, -1).join(", ")}, then ${names[names.length - 1]}.`;
  if (notChanged === 0) return what;
  return `${what} ${notChanged === 1 ? "1 group was" : `${notChanged.toLocaleString()} groups were`} not changed: see below.`;
}

// ---- People ---------------------------------------------------------------

/** "In 3 groups · receives calls in 2". */
export const placesWords = (groups: number, receiving: number) =>
  `In ${count(groups, "group", "groups")} · receives calls in ${receiving.toLocaleString()}`;

/** Where People's groups came from. */
export function sourceWords(fromList: boolean, groups: number): string {
  return fromList
    ? `${count(groups, "group", "groups")} of this account, as DeepCall lists them.`
    : `DeepCall did not list this account's groups, so these are the ${count(groups, "group", "groups")} opened on this computer. Open a group on the Groups screen to add it here.`;
}

/** When an agent went on leave: "switched off everywhere on 7 Dec 2026, 10:00". */
export const sinceWords = (ms: number) =>
  `switched off everywhere on ${new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(ms))}`;

export const switchOffLabel = (groups: number) =>
  `Switch off in ${count(groups, "group", "groups")}`;
export const switchOnLabel = (groups: number) =>
  `Switch on again in ${count(groups, "group", "groups")}`;
