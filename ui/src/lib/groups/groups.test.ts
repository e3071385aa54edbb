import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { GroupMembers, Member } from "../../bindings";
import { confirmModel } from "../confirm.svelte";
import { GroupsModel, otherGroupWords } from "./groups.svelte";
import { countWords, groupLabel, memberLabel, statusWords, visibleMembers } from "./members";

/** The value, or a failed test. */
function must<T>(x: T | null | undefined): T {
  if (x === null || x === undefined) throw new Error("missing");
  return x;
}

const m = (agentId: number, name: string | null, receivesCalls: boolean): Member => ({
  agentId,
  name,
  inAgentList: name !== null,
  receivesCalls,
});

describe("the member list", () => {
  const members = [
    m(3, "bhawesh", true),
    m(8, "manoj", false),
    m(2, "bhawesh", true),
    m(12, null, false),
    m(5, "Émile", true),
  ];
  const receives = (x: Member) => x.receivesCalls;
  const ids = (xs: Member[]) => xs.map((x) => x.agentId);

  it("names every member with a number", () => {
    expect(memberLabel(must(members[0]))).toBe("bhawesh (#3)");
    expect(memberLabel(must(members[3]))).toBe("Agent #12");
  });

  it("sorts by name (accents and case aside, then number) or by number", () => {
    expect(ids(visibleMembers(members, receives, "", "everyone", "name"))).toEqual([
      12, 2, 3, 5, 8,
    ]);
    expect(ids(visibleMembers(members, receives, "", "everyone", "number"))).toEqual([
      2, 3, 5, 8, 12,
    ]);
  });

  it("searches by name or number and filters by receiving", () => {
    expect(ids(visibleMembers(members, receives, "BHA", "everyone", "number"))).toEqual([2, 3]);
    expect(ids(visibleMembers(members, receives, "#12", "everyone", "number"))).toEqual([12]);
    expect(ids(visibleMembers(members, receives, "", "receiving", "number"))).toEqual([2, 3, 5]);
    expect(ids(visibleMembers(members, receives, "", "notReceiving", "number"))).toEqual([8, 12]);
    expect(visibleMembers(members, receives, "nobody", "everyone", "name")).toEqual([]);
  });

  it("says counts and status in words", () => {
    expect(countWords(1, 1)).toBe("1 member · 1 receives calls");
    expect(countWords(3, 0)).toMatch(/^3 members · 0 receive calls$/);
    expect(statusWords(1)).toBe("Active");
    expect(statusWords(0)).toBe("Inactive");
    expect(statusWords(7)).toBe("Status 7");
    expect(statusWords(null)).toBeNull();
  });
});

/** What a command throws when DeepCall had a problem (an `AppError`). */
const serverTrouble = () => ({
  kind: "ServerTrouble",
  message: "DeepCall had a problem.",
  field: null,
  retryable: true,
});

/** A fake DeepCall behind mocked IPC that records the order of changes. */
function fakeServer(initial: Member[]) {
  let members = initial.map((x) => ({ ...x }));
  const log: { agentId: number; receivesCalls: boolean }[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failNext = false;
  const snapshot = (): GroupMembers => ({
    group: { id: 29, name: "Night shift", status: 1, createdAt: 0, createdBy: null },
    members: members.map((x) => ({ ...x })),
    otherAgents: [],
  });
  mockIPC(async (cmd, args) => {
    if (cmd === "group_members") return snapshot();
    if (cmd === "recent_groups") return [];
    if (cmd === "change_receiving") {
      const { changes } = args as { changes: { agentId: number; receivesCalls: boolean }[] };
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      if (failNext) {
        failNext = false;
        throw serverTrouble();
      }
      log.push(changes);
      members = members.map((x) => {
        const c = changes.find((c) => c.agentId === x.agentId);
        return c ? { ...x, receivesCalls: c.receivesCalls } : x;
      });
      return { outcome: "applied", group: snapshot(), sent: true };
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return {
    log,
    maxInFlight: () => maxInFlight,
    failNext: () => (failNext = true),
    members: () => members,
  };
}

const settled = async (model: GroupsModel) => {
  for (let i = 0; i < 200 && model.pending.size > 0; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("changing who receives calls", () => {
  afterEach(() => clearMocks());

  it("applies quick clicks one at a time, in order, and offers Undo", async () => {
    const server = fakeServer([m(4, "vijay", true), m(12, null, false), m(6, "Bhawna", false)]);
    const model = new GroupsModel();
    expect(await model.open("29")).toBe(true);
    const [a, b, c] = must(model.data).members;
    model.toggle(must(b));
    model.toggle(must(c));
    model.toggle(must(a));
    // All three show what was asked right away, and so does the count.
    expect([4, 6, 12].map((a) => model.isPending(a))).toEqual([true, true, true]);
    expect(model.receives(must(b))).toBe(true);
    expect(model.receivingCount).toBe(2);
    await settled(model);
    expect(model.receivingCount).toBe(2);
    expect(server.maxInFlight()).toBe(1);
    expect(server.log).toEqual([
      [{ agentId: 12, receivesCalls: true }],
      [{ agentId: 6, receivesCalls: true }],
      [{ agentId: 4, receivesCalls: false }],
    ]);
    expect(model.done?.message).toBe("vijay (#4) no longer receives calls.");
    model.undo();
    await settled(model);
    expect(server.log.at(-1)).toEqual([{ agentId: 4, receivesCalls: true }]);
    expect(model.done?.undo).toBeNull();
  });

  it("on failure shows the server's state and offers Retry", async () => {
    const server = fakeServer([m(4, "vijay", true), m(12, null, false)]);
    const model = new GroupsModel();
    await model.open("29");
    server.failNext();
    model.toggle(must(must(model.data).members[1]));
    expect(model.receivingCount).toBe(2);
    await settled(model);
    expect(model.receivingCount).toBe(1);
    expect(model.failed?.message).toContain("Could not change whether Agent #12 receives calls");
    expect(model.receives(must(must(model.data).members[1]))).toBe(false);
    model.retry();
    await settled(model);
    expect(must(server.members()[1]).receivesCalls).toBe(true);
    expect(model.failed).toBeNull();
  });
});

/** Two groups behind mocked IPC; each change waits until the test lets it
 * finish, and the test sees what the screen showed at every step. */
function twoGroups(model: () => GroupsModel | null) {
  const groups = new Map<number, { name: string; members: Member[] }>([
    [
      28,
      {
        name: "Mahipal singh",
        members: [m(2, "bhawesh", true), m(3, "bhawesh", true), m(8, "manoj", true)],
      },
    ],
    // Agent 8 is in both groups.
    [29, { name: "Night shift", members: [m(4, "vijay", true), m(8, "manoj", false)] }],
  ]);
  const sent: {
    group: string;
    changes: { agentId: number; receivesCalls: boolean }[];
    allowNobody: boolean;
  }[] = [];
  /** The group on screen whenever a change started or finished. */
  const shown: (number | undefined)[] = [];
  const waiting: (() => void)[] = [];
  let failNext = false;
  const snapshot = (id: number): GroupMembers => {
    const g = must(groups.get(id));
    return {
      group: { id, name: g.name, status: 1, createdAt: 0, createdBy: null },
      members: g.members.map((x) => ({ ...x })),
      otherAgents: [],
    };
  };
  mockIPC(async (cmd, args) => {
    if (cmd === "group_members") return snapshot(Number((args as { group: string }).group));
    if (cmd === "recent_groups") return [];
    if (cmd === "change_receiving") {
      const a = args as (typeof sent)[number];
      shown.push(model()?.data?.group.id);
      await new Promise<void>((r) => waiting.push(r));
      shown.push(model()?.data?.group.id);
      if (failNext) {
        failNext = false;
        throw serverTrouble();
      }
      const id = Number(a.group);
      const g = must(groups.get(id));
      const after = g.members.map((x) => {
        const c = a.changes.find((c) => c.agentId === x.agentId);
        return c ? { ...x, receivesCalls: c.receivesCalls } : x;
      });
      if (!a.allowNobody && !after.some((x) => x.receivesCalls)) {
        return { outcome: "nobodyWouldReceive", group: snapshot(id) };
      }
      sent.push(a);
      g.members = after;
      return { outcome: "applied", group: snapshot(id), sent: true };
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return {
    sent,
    shown,
    members: (id: number) => must(groups.get(id)).members,
    failNext: () => (failNext = true),
    /** Lets the oldest waiting change finish. */
    async release() {
      for (let i = 0; i < 200 && waiting.length === 0; i++) await tick();
      must(waiting.shift())();
      await tick();
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 1));

/** A model with group 28 open, both groups behind `twoGroups`. */
async function onGroup28() {
  let shown: GroupsModel | null = null;
  const server = twoGroups(() => shown);
  const model = new GroupsModel();
  shown = model;
  await model.open("28");
  return { model, server };
}

describe("changes to a group the manager has left", () => {
  afterEach(() => {
    clearMocks();
    confirmModel.answer(false);
  });

  const byId = (model: GroupsModel, id: number) =>
    must(must(model.data).members.find((x) => x.agentId === id));

  it("stay bound to their group; the screen keeps the group opened and says when they finish", async () => {
    const { model, server } = await onGroup28();
    model.toggle(byId(model, 2));
    model.toggle(byId(model, 8));
    // Agent 8's change to group 28 is pending; its row in 28 says so.
    expect(model.isPending(8)).toBe(true);
    expect(await model.open("29")).toBe(true);
    // In group 29, agent 8 is not pending and shows group 29's own value.
    expect(model.isPending(8)).toBe(false);
    expect(model.receives(byId(model, 8))).toBe(false);
    expect(model.otherGroupNotes.map((n) => n.message)).toEqual([
      "Still saving 2 changes to “Mahipal singh” (#28)…",
    ]);
    await server.release();
    expect(model.data?.group.id).toBe(29);
    expect(model.otherGroupNotes.map((n) => n.message)).toEqual([
      "Still saving 1 change to “Mahipal singh” (#28)… Saved so far: bhawesh (#2) no longer receives calls.",
    ]);
    await server.release();
    await settled(model);
    // Every change named group 28, and group 29 never changed or showed.
    expect(server.sent.map((s) => s.group)).toEqual(["28", "28"]);
    expect(server.members(28).map((x) => x.receivesCalls)).toEqual([false, true, false]);
    expect(server.members(29).map((x) => x.receivesCalls)).toEqual([true, false]);
    // The first change started on 28; from then on the screen showed 29.
    expect(server.shown).toEqual([28, 29, 29, 29]);
    expect(model.data?.group.id).toBe(29);
    expect(model.data?.members.map((x) => x.agentId)).toEqual([4, 8]);
    expect(model.groupInput).toBe("29");
    const notes = model.otherGroupNotes;
    expect(notes).toEqual([
      {
        group: 28,
        groupLabel: "“Mahipal singh” (#28)",
        finished: true,
        anyNotSaved: false,
        message:
          "Your 2 changes to “Mahipal singh” (#28) are saved: bhawesh (#2) no longer receives calls; manoj (#8) no longer receives calls.",
      },
    ]);
    // No Undo for a group not on screen, and nothing to say about group 29.
    expect(model.done).toBeNull();
    expect(model.failed).toBeNull();
    // Opening group 28 shows it as DeepCall has it, and the note is over.
    await model.open("28");
    expect(model.otherGroupNotes).toEqual([]);
    expect(model.receives(byId(model, 8))).toBe(false);
  });

  it("a change to the group left that fails names that group; Retry stays bound to it", async () => {
    const { model, server } = await onGroup28();
    model.toggle(byId(model, 8));
    await model.open("29");
    server.failNext();
    await server.release();
    await settled(model);
    expect(model.data?.group.id).toBe(29);
    expect(model.failed?.group).toBe(28);
    expect(model.failed?.message).toBe(
      "Could not change whether manoj (#8) receives calls in “Mahipal singh” (#28). Open that group to see what DeepCall has now.",
    );
    expect(model.otherGroupNotes.map((n) => [n.message, n.anyNotSaved])).toEqual([
      [
        "Your change to “Mahipal singh” (#28) was not saved. Could not stop manoj (#8) receiving calls.",
        true,
      ],
    ]);
    // Retry, with group 29 on screen, changes group 28 again.
    model.retry();
    await server.release();
    await settled(model);
    expect(server.sent.map((s) => [s.group, s.changes])).toEqual([
      ["28", [{ agentId: 8, receivesCalls: false }]],
    ]);
    expect(model.data?.group.id).toBe(29);
    expect(model.otherGroupNotes.map((n) => n.message)).toEqual([
      "Your change to “Mahipal singh” (#28) is saved: manoj (#8) no longer receives calls.",
    ]);
  });

  it("asks no question about a group left: leaving it with nobody is decided with it on screen", async () => {
    const { model, server } = await onGroup28();
    model.setSelected(false); // nothing selected: nothing queued
    for (const a of [2, 3, 8]) model.toggleSelected(a, true);
    model.setSelected(false);
    await model.open("29");
    await server.release();
    await settled(model);
    expect(confirmModel.current).toBeNull();
    expect(server.sent).toEqual([]);
    expect(server.members(28).every((x) => x.receivesCalls)).toBe(true);
    expect(model.otherGroupNotes.map((n) => n.message)).toEqual([
      "Your change to “Mahipal singh” (#28) was not saved. Did not stop 3 agents receiving calls: then nobody would receive the calls of “Mahipal singh” (#28). Open it to decide.",
    ]);
  });

  it("Undo changes the group it was offered for, even once another is open", async () => {
    const { model, server } = await onGroup28();
    model.toggle(byId(model, 8));
    await server.release();
    await settled(model);
    expect(model.done?.undo?.group).toBe(28);
    // Undo, then at once group 29: the undo is for group 28.
    model.undo();
    await model.open("29");
    // Asking for another group ends what was offered on the last one.
    expect(model.done).toBeNull();
    await server.release();
    await settled(model);
    expect(server.sent.map((s) => [s.group, s.changes])).toEqual([
      ["28", [{ agentId: 8, receivesCalls: false }]],
      ["28", [{ agentId: 8, receivesCalls: true }]],
    ]);
    expect(server.members(29).map((x) => x.receivesCalls)).toEqual([true, false]);
    expect(model.data?.group.id).toBe(29);
    expect(model.otherGroupNotes.map((n) => n.message)).toEqual([
      "Your change to “Mahipal singh” (#28) is saved: the earlier change was undone.",
    ]);
  });

  it("names groups and sums up what came of their changes", () => {
    expect(groupLabel({ id: 28, name: "Mahipal singh" })).toBe("“Mahipal singh” (#28)");
    expect(groupLabel({ id: 30, name: "" })).toBe("group #30");
    const p = {
      groupLabel: "group #30",
      waiting: 0,
      saved: ["Agent #12 now receives calls"],
      notSaved: [],
    };
    expect(otherGroupWords(p)).toBe(
      "Your change to group #30 is saved: Agent #12 now receives calls.",
    );
    expect(otherGroupWords({ ...p, waiting: 1, saved: [] })).toBe(
      "Still saving 1 change to group #30…",
    );
    expect(otherGroupWords({ ...p, saved: [], notSaved: ["Could not a.", "Could not b."] })).toBe(
      "None of your 2 changes to group #30 was saved. Could not a. Could not b.",
    );
    expect(
      otherGroupWords({ ...p, notSaved: ["Could not stop Bhawna (#6) receiving calls."] }),
    ).toBe(
      "Your 2 changes to group #30 are finished. Saved: Agent #12 now receives calls. Could not stop Bhawna (#6) receiving calls.",
    );
    expect(otherGroupWords({ ...p, waiting: 2, notSaved: ["Could not a."] })).toBe(
      "Still saving 2 changes to group #30… Saved so far: Agent #12 now receives calls. Could not a.",
    );
  });
});
