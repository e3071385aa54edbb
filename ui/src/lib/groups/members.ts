import type { Group, Member } from "../../bindings";

/** Who is shown: everyone, only those receiving calls, or only those not. */
export type Filter = "everyone" | "receiving" | "notReceiving";
export type Sort = "name" | "number";

/** A member as a manager reads it: never a name without its number. */
export function memberName(m: Pick<Member, "agentId" | "name">): string {
  return m.name ?? `Agent #${m.agentId}`;
}

/** "bhawesh (#3)" or "Agent #12". */
export function memberLabel(m: Pick<Member, "agentId" | "name">): string {
  return m.name ? `${m.name} (#${m.agentId})` : `Agent #${m.agentId}`;
}

/** A group as a manager names it: "“Mahipal singh” (#28)", or "group #28"
 * when it has no name. */
export function groupLabel(g: Pick<Group, "id" | "name">): string {
  return g.name ? `“${g.name}” (#${g.id})` : `group #${g.id}`;
}

/** Printable ASCII only: nothing to take accents off. */
const PLAIN = /^[\x20-\x7e]*$/;

/** Case and accents do not count: "émile" sorts with "Emile". Plain names
 * skip the Unicode work, most of a long list's sort (docs/performance.md). */
function sortKey(name: string): string {
  let key = sortKeys.get(name);
  if (key === undefined) {
    const bare = PLAIN.test(name) ? name : name.normalize("NFD").replace(/\p{M}/gu, "");
    key = bare.toLocaleLowerCase();
    if (sortKeys.size >= MAX_SORT_KEYS) sortKeys.clear();
    sortKeys.set(name, key);
  }
  return key;
}

/** Each name's key, kept: a group is read again after every change, with
 * the same names. Bounded, so that many large groups cannot grow it. */
const sortKeys = new Map<string, string>();
const MAX_SORT_KEYS = 50_000;

/** The members to show, in order: search by name or number, filter, sort. */
export function visibleMembers(
  members: readonly Member[],
  receives: (m: Member) => boolean,
  search: string,
  filter: Filter,
  sort: Sort,
): Member[] {
  const q = search.trim().replace(/^#/, "").toLocaleLowerCase();
  const shown = members.filter((m) => {
    if (filter === "receiving" && !receives(m)) return false;
    if (filter === "notReceiving" && receives(m)) return false;
    if (!q) return true;
    return String(m.agentId).includes(q) || (m.name ?? "").toLocaleLowerCase().includes(q);
  });
  if (sort === "number") return shown.sort((a, b) => a.agentId - b.agentId);
  // One sort key per member, compared cheaply: a full collator compare per
  // comparison costs seconds on 10,000 members in WebKit.
  const keyed = shown.map((m) => ({ m, key: sortKey(memberName(m)) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.m.agentId - b.m.agentId));
  return keyed.map((k) => k.m);
}
