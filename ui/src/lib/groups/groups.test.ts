import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { GroupMembers, Member } from "../../bindings";
import { GroupsModel } from "./groups.svelte";
import { countWords, memberLabel, statusWords, visibleMembers } from "./members";

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
        throw {
          kind: "ServerTrouble",
          message: "DeepCall had a problem.",
          field: null,
          retryable: true,
        };
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
    // All three show what was asked right away.
    expect([...model.pending.keys()].sort((x, y) => x - y)).toEqual([4, 6, 12]);
    expect(model.receives(must(b))).toBe(true);
    await settled(model);
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
    await settled(model);
    expect(model.failed?.message).toContain("Could not change whether Agent #12 receives calls");
    expect(model.receives(must(must(model.data).members[1]))).toBe(false);
    model.retry();
    await settled(model);
    expect(must(server.members()[1]).receivesCalls).toBe(true);
    expect(model.failed).toBeNull();
  });
});
