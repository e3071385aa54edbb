import { describe, expect, it } from "vitest";
import type { ChangeOutcome, GroupId, GroupMembers, Member, ReceivingChange } from "../../bindings";
import type { ConfirmRequest } from "../confirm.svelte";
import type { Ask, SendChange } from "./change-queue.svelte";
import type { GroupReads } from "./open-group.svelte";
import { groupsScreen, type GroupsScreen } from "./screen";
import { m, must } from "./test-support";

/** What a change rejects with when DeepCall had a problem: an `AppError`
 * with the group as Rust last read it. */
const serverTrouble = (group: GroupMembers) => ({
  kind: "ServerTrouble",
  message: "DeepCall had a problem.",
  field: null,
  retryable: true,
  group,
});

/** Reads no test here makes. */
const unused = {
  recentGroups: async () => [],
  groupChoices: async () => null,
  exportMembers: async () => null,
};

/** The questions asked, each answered no. */
function askNo(): { ask: Ask; asked: ConfirmRequest[] } {
  const asked: ConfirmRequest[] = [];
  return {
    asked,
    ask: async (q) => {
      asked.push(q);
      return false;
    },
  };
}

/** A fake DeepCall behind the models' commands that records the order of changes. */
function fakeServer(initial: Member[]) {
  let members = initial.map((x) => ({ ...x }));
  const log: ReceivingChange[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let failNext = false;
  let reads = 0;
  const snapshot = (): GroupMembers => ({
    group: { id: 29, name: "Night shift", status: 1, createdAt: 0, createdBy: null },
    members: members.map((x) => ({ ...x })),
    otherAgents: [],
  });
  const groupReads: GroupReads = {
    ...unused,
    groupMembers: async () => {
      reads += 1;
      return snapshot();
    },
  };
  const send: SendChange = async (_group, changes) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight -= 1;
    if (failNext) {
      failNext = false;
      throw serverTrouble(snapshot());
    }
    log.push(changes);
    members = members.map((x) => {
      const c = changes.find((c) => c.agentId === x.agentId);
      return c ? { ...x, receivesCalls: c.receivesCalls } : x;
    });
    return { outcome: "applied", group: snapshot(), sent: true };
  };
  return {
    screen: groupsScreen(groupReads, send, askNo().ask),
    log,
    maxInFlight: () => maxInFlight,
    failNext: () => (failNext = true),
    members: () => members,
    reads: () => reads,
  };
}

const settled = async ({ changes }: GroupsScreen) => {
  for (let i = 0; i < 200 && changes.busy; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("changing who receives calls", () => {
  it("applies quick clicks one at a time, in order, and offers Undo", async () => {
    const server = fakeServer([m(4, "vijay", true), m(12, null, false), m(6, "Bhawna", false)]);
    const { group, changes } = server.screen;
    expect(await group.open("29")).toBe(true);
    const [a, b, c] = must(group.data).members;
    changes.toggle(must(b));
    changes.toggle(must(c));
    changes.toggle(must(a));
    // All three show what was asked right away, and so does the count.
    expect([4, 6, 12].map((a) => changes.isPending(a))).toEqual([true, true, true]);
    expect(changes.receives(must(b))).toBe(true);
    expect(changes.receivingCount).toBe(2);
    await settled(server.screen);
    expect(changes.receivingCount).toBe(2);
    expect(server.maxInFlight()).toBe(1);
    expect(server.log).toEqual([
      [{ agentId: 12, receivesCalls: true }],
      [{ agentId: 6, receivesCalls: true }],
      [{ agentId: 4, receivesCalls: false }],
    ]);
    expect(changes.done?.message).toBe("vijay (#4) no longer receives calls.");
    changes.undo();
    await settled(server.screen);
    expect(server.log.at(-1)).toEqual([{ agentId: 4, receivesCalls: true }]);
    expect(changes.done?.undo).toBeNull();
  });

  it("on failure shows the group Rust last read, without reading it again, and offers Retry", async () => {
    const server = fakeServer([m(4, "vijay", true), m(12, null, false)]);
    const { group, changes } = server.screen;
    await group.open("29");
    server.failNext();
    changes.toggle(must(must(group.data).members[1]));
    expect(changes.receivingCount).toBe(2);
    const readsBefore = server.reads();
    await settled(server.screen);
    expect(changes.receivingCount).toBe(1);
    expect(changes.failed?.message).toContain("Could not change whether Agent #12 receives calls");
    expect(changes.receives(must(must(group.data).members[1]))).toBe(false);
    expect(server.reads()).toBe(readsBefore);
    changes.retry();
    await settled(server.screen);
    expect(must(server.members()[1]).receivesCalls).toBe(true);
    expect(changes.failed).toBeNull();
  });
});

/** Two groups behind the models' commands; each change waits until the
 * test lets it finish, and the test sees what the screen showed at every step. */
function twoGroups() {
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
  const sent: { group: GroupId; changes: ReceivingChange[]; allowNobody: boolean }[] = [];
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
  const groupReads: GroupReads = { ...unused, groupMembers: async (id) => snapshot(id) };
  const send: SendChange = async (id, changes, allowNobody): Promise<ChangeOutcome> => {
    shown.push(screen.group.data?.group.id);
    await new Promise<void>((r) => waiting.push(r));
    shown.push(screen.group.data?.group.id);
    if (failNext) {
      failNext = false;
      throw serverTrouble(snapshot(id));
    }
    const g = must(groups.get(id));
    const after = g.members.map((x) => {
      const c = changes.find((c) => c.agentId === x.agentId);
      return c ? { ...x, receivesCalls: c.receivesCalls } : x;
    });
    if (!allowNobody && !after.some((x) => x.receivesCalls)) {
      return { outcome: "nobodyWouldReceive", group: snapshot(id) };
    }
    sent.push({ group: id, changes, allowNobody });
    g.members = after;
    return { outcome: "applied", group: snapshot(id), sent: true };
  };
  const questions = askNo();
  const screen = groupsScreen(groupReads, send, questions.ask);
  return {
    screen,
    sent,
    shown,
    asked: questions.asked,
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

/** Group 28 open, both groups behind `twoGroups`. */
async function onGroup28() {
  const server = twoGroups();
  await server.screen.group.open("28");
  return { ...server.screen, server };
}

describe("changes to a group the manager has left", () => {
  const byId = ({ group }: GroupsScreen, id: number) =>
    must(must(group.data).members.find((x) => x.agentId === id));

  it("stay bound to their group; the screen keeps the group opened and says when they finish", async () => {
    const { group, changes, server } = await onGroup28();
    changes.toggle(byId(server.screen, 2));
    changes.toggle(byId(server.screen, 8));
    // Agent 8's change to group 28 is pending; its row in 28 says so.
    expect(changes.isPending(8)).toBe(true);
    expect(await group.open("29")).toBe(true);
    // In group 29, agent 8 is not pending and shows group 29's own value.
    expect(changes.isPending(8)).toBe(false);
    expect(changes.receives(byId(server.screen, 8))).toBe(false);
    expect(changes.otherGroupNotes.map((n) => n.message)).toEqual([
      "Still saving 2 changes to “Mahipal singh” (#28)…",
    ]);
    await server.release();
    expect(group.data?.group.id).toBe(29);
    expect(changes.otherGroupNotes.map((n) => n.message)).toEqual([
      "Still saving 1 change to “Mahipal singh” (#28)… Saved so far: bhawesh (#2) no longer receives calls.",
    ]);
    await server.release();
    await settled(server.screen);
    // Every change named group 28, and group 29 never changed or showed.
    expect(server.sent.map((s) => s.group)).toEqual([28, 28]);
    expect(server.members(28).map((x) => x.receivesCalls)).toEqual([false, true, false]);
    expect(server.members(29).map((x) => x.receivesCalls)).toEqual([true, false]);
    // The first change started on 28; from then on the screen showed 29.
    expect(server.shown).toEqual([28, 29, 29, 29]);
    expect(group.data?.group.id).toBe(29);
    expect(group.data?.members.map((x) => x.agentId)).toEqual([4, 8]);
    expect(group.groupInput).toBe("29");
    const notes = changes.otherGroupNotes;
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
    expect(changes.done).toBeNull();
    expect(changes.failed).toBeNull();
    // Opening group 28 shows it as DeepCall has it, and the note is over.
    await group.open("28");
    expect(changes.otherGroupNotes).toEqual([]);
    expect(changes.receives(byId(server.screen, 8))).toBe(false);
  });

  it("a change to the group left that fails names that group; Retry stays bound to it", async () => {
    const { group, changes, server } = await onGroup28();
    changes.toggle(byId(server.screen, 8));
    await group.open("29");
    server.failNext();
    await server.release();
    await settled(server.screen);
    expect(group.data?.group.id).toBe(29);
    expect(changes.failed?.group).toBe(28);
    expect(changes.failed?.message).toBe(
      "Could not change whether manoj (#8) receives calls in “Mahipal singh” (#28). Open that group to see what DeepCall has now.",
    );
    expect(changes.otherGroupNotes.map((n) => [n.message, n.anyNotSaved])).toEqual([
      [
        "Your change to “Mahipal singh” (#28) was not saved. Could not stop manoj (#8) receiving calls.",
        true,
      ],
    ]);
    // Retry, with group 29 on screen, changes group 28 again.
    changes.retry();
    await server.release();
    await settled(server.screen);
    expect(server.sent.map((s) => [s.group, s.changes])).toEqual([
      [28, [{ agentId: 8, receivesCalls: false }]],
    ]);
    expect(group.data?.group.id).toBe(29);
    expect(changes.otherGroupNotes.map((n) => n.message)).toEqual([
      "Your change to “Mahipal singh” (#28) is saved: manoj (#8) no longer receives calls.",
    ]);
  });

  it("asks no question about a group left: leaving it with nobody is decided with it on screen", async () => {
    const { group, changes, server } = await onGroup28();
    changes.switchMany(group.selectedMembers, false); // nothing selected: nothing queued
    for (const a of [2, 3, 8]) group.toggleSelected(a, true);
    changes.switchMany(group.selectedMembers, false);
    await group.open("29");
    await server.release();
    await settled(server.screen);
    expect(server.asked).toEqual([]);
    expect(server.sent).toEqual([]);
    expect(server.members(28).every((x) => x.receivesCalls)).toBe(true);
    expect(changes.otherGroupNotes.map((n) => n.message)).toEqual([
      "Your change to “Mahipal singh” (#28) was not saved. Did not stop 3 agents receiving calls: then nobody would receive the calls of “Mahipal singh” (#28). Open it to decide.",
    ]);
  });

  it("Undo changes the group it was offered for, even once another is open", async () => {
    const { group, changes, server } = await onGroup28();
    changes.toggle(byId(server.screen, 8));
    await server.release();
    await settled(server.screen);
    expect(changes.done?.undo?.group).toBe(28);
    // Undo, then at once group 29: the undo is for group 28.
    changes.undo();
    await group.open("29");
    // Asking for another group ends what was offered on the last one.
    expect(changes.done).toBeNull();
    await server.release();
    await settled(server.screen);
    expect(server.sent.map((s) => [s.group, s.changes])).toEqual([
      [28, [{ agentId: 8, receivesCalls: false }]],
      [28, [{ agentId: 8, receivesCalls: true }]],
    ]);
    expect(server.members(29).map((x) => x.receivesCalls)).toEqual([true, false]);
    expect(group.data?.group.id).toBe(29);
    expect(changes.otherGroupNotes.map((n) => n.message)).toEqual([
      "Your change to “Mahipal singh” (#28) is saved: the earlier change was undone.",
    ]);
  });

  it("asks before leaving the group on screen with nobody receiving calls", async () => {
    const { group, changes, server } = await onGroup28();
    for (const a of [2, 3, 8]) group.toggleSelected(a, true);
    changes.switchMany(group.selectedMembers, false);
    await server.release();
    await settled(server.screen);
    expect(server.asked.map((q) => [q.title, q.message, q.danger])).toEqual([
      [
        "Nobody will receive this group's calls",
        "After this change no agent in “Mahipal singh” (#28) receives calls, so callers to this group will not reach anyone. Make the change anyway?",
        true,
      ],
    ]);
    expect(server.sent).toEqual([]);
    expect(changes.done?.message).toBe("Nothing was changed.");
  });
});
