import { describe, expect, it } from "vitest";
import type {
  Application,
  GroupApplied,
  GroupDifference,
  GroupPreview,
  Lineup,
  Named,
  People,
} from "../../bindings";
import { Applying } from "./applying.svelte";
import type { LineupCommands, PeopleCommands } from "./commands";
import { LineupsModel } from "./lineups.svelte";
import { PeopleModel } from "./people.svelte";
import {
  appliedSummary,
  differenceDetails,
  differenceHeadline,
  missedQuestion,
  namesWords,
  scheduledWords,
} from "./words";

const n = (agentId: number, name: string | null, receivesCalls = true): Named => ({
  agentId,
  name,
  receivesCalls,
});

function difference(over: Partial<GroupDifference> = {}): GroupDifference {
  return {
    group: 28,
    groupName: "Mahipal singh",
    starts: [],
    stops: [],
    unchanged: 0,
    left: [],
    notInLineup: [],
    receivingAfter: 1,
    nobodyLeft: false,
    ...over,
  };
}

const read = (d: GroupDifference): GroupPreview => ({ state: "read", difference: d });
const applied = (d: GroupDifference): GroupApplied => ({ outcome: "applied", difference: d });

describe("a line-up's words", () => {
  it("says per group who starts and who stops, as the preview's headline", () => {
    const d = difference({
      starts: [n(3, "bhawesh"), n(2, "bhawesh")],
      stops: [n(8, "manoj")],
    });
    expect(differenceHeadline(d)).toBe("Mahipal singh: 2 start, 1 stops");
    expect(differenceHeadline(difference())).toBe("Mahipal singh: no change");
    expect(differenceDetails(d)).toEqual([
      "Start receiving calls: bhawesh (#3) and bhawesh (#2).",
      "Stop receiving calls: manoj (#8).",
    ]);
  });

  it("names who left the group and who is not in the line-up", () => {
    const d = difference({ left: [n(7, "Manoj Kumar111")], notInLineup: [n(12, null, false)] });
    expect(differenceDetails(d)).toEqual([
      "Manoj Kumar111 (#7) has left the group since the line-up was saved: skipped.",
      "Agent #12 is not in the line-up and keeps their current setting.",
    ]);
    // People switches one agent: the others are not named.
    expect(differenceDetails(d, false)).toEqual([
      "Manoj Kumar111 (#7) has left the group since the line-up was saved: skipped.",
    ]);
    expect(namesWords([n(1, "a"), n(2, "b"), n(3, "c"), n(4, "d"), n(5, "e")])).toBe(
      "a (#1), b (#2), c (#3) and 2 more",
    );
  });

  it("sums an application up without calling a group already right a failure", () => {
    expect(appliedSummary("Morning", 2, 0, 2)).toBe("Morning: 2 groups changed.");
    expect(appliedSummary("Morning", 1, 0, 2)).toBe(
      "Morning: 1 group changed, 1 already as it should be.",
    );
    expect(appliedSummary("Morning", 1, 1, 3)).toBe(
      "Morning: 1 group changed, 1 already as it should be. 1 group was not changed: see below.",
    );
  });

  it("asks about a missed time, today's with “at”", () => {
    expect(missedQuestion("Evening", "18:00")).toBe(
      "The Evening line-up was due at 18:00 — apply it now?",
    );
    expect(missedQuestion("Evening", "yesterday at 18:00")).toBe(
      "The Evening line-up was due yesterday at 18:00 — apply it now?",
    );
  });

  it("says two line-ups due at once were applied in their order", () => {
    expect(scheduledWords("18:00", ["Evening"])).toBe(
      "On schedule at 18:00: the Evening line-up was applied.",
    );
    expect(scheduledWords("18:00", ["Evening", "Skeleton"])).toBe(
      "On schedule at 18:00: 2 line-ups were due at once and were applied in their order: Evening, then Skeleton.",
    );
    expect(scheduledWords("18:00", ["Evening"], 2)).toBe(
      "On schedule at 18:00: the Evening line-up was applied. 2 groups were not changed: see below.",
    );
  });
});

describe("applying, shared by Line-ups and People", () => {
  it("sends only after every group left with nobody has a yes, and undoes the whole", async () => {
    const emptied = difference({
      group: 29,
      stops: [n(4, "vijay")],
      nobodyLeft: true,
      receivingAfter: 0,
    });
    const one = difference({ starts: [n(3, "bhawesh")] });
    const sent: number[][] = [];
    const undone: Application[] = [];
    const application: Application = {
      groups: [applied(one), applied(emptied)],
      undo: [{ group: 28, groupName: "Mahipal singh", members: [] }],
    };
    const applying = new Applying();
    await applying.open(
      "Morning",
      async () => [read(one), read(emptied)],
      async (allowNobody, onGroup) => {
        sent.push(allowNobody);
        onGroup(0, 2, applied(one));
        onGroup(1, 2, applied(emptied));
        return application;
      },
      async (done) => {
        undone.push(done);
        return { groups: [applied(one)], undo: [] };
      },
    );
    expect(applying.changing).toBe(2);
    expect(applying.unanswered).toBe(1);
    applying.allowNobody.add(29);
    expect(applying.unanswered).toBe(0);
    await applying.confirm();
    expect(sent).toEqual([[29]]);
    expect(applying.preview).toBeNull();
    expect(applying.run?.ended).toHaveLength(2);
    expect(applying.appliedCount).toBe(2);
    expect(applying.run?.undoable).toBe(true);

    await applying.undoLast();
    expect(undone).toEqual([application]);
    expect(applying.run?.what).toBe("Undo of Morning");
    // An undo is not undone again.
    expect(applying.run?.undoable).toBe(false);
  });

  it("keeps the error of a preview that could not be read", async () => {
    const applying = new Applying();
    await applying.open(
      "Morning",
      async () => {
        throw {
          kind: "Network",
          message: "DeepCall could not be reached.",
          field: null,
          retryable: true,
        };
      },
      async () => ({ groups: [], undo: [] }),
      null,
    );
    expect(applying.preview).toBeNull();
    expect(applying.error?.kind).toBe("Network");
  });
});

function lineup(over: Partial<Lineup> = {}): Lineup {
  return {
    id: 1,
    name: "Morning",
    groups: [
      {
        group: 28,
        groupName: "Mahipal singh",
        members: [{ agentId: 3, name: "bhawesh", receivesCalls: true }],
      },
    ],
    slots: [],
    slotWords: [],
    updatedMs: 0,
    ...over,
  };
}

function lineupCommands(over: Partial<LineupCommands> = {}): LineupCommands {
  const fail = () => Promise.reject(new Error("not expected"));
  return {
    list: async () => [],
    saveCurrent: fail,
    rename: fail,
    setMember: fail,
    setSlots: fail,
    move: fail,
    remove: fail,
    preview: fail,
    apply: fail,
    undo: fail,
    exportCsv: fail,
    groupChoices: async () => [{ id: 28, name: "Mahipal singh" }],
    recentGroups: async () => [],
    ...over,
  };
}

describe("the Line-ups screen", () => {
  it("keeps what was typed when the name is refused, and saves the chosen groups", async () => {
    const asked: [string, number[]][] = [];
    const model = new LineupsModel(
      lineupCommands({
        saveCurrent: async (name, groups) => {
          asked.push([name, groups]);
          if (name === "Morning")
            throw {
              kind: "InvalidInput",
              field: "name",
              message: "There is already a line-up called “Morning”. Choose another name.",
              retryable: false,
            };
          return lineup({ id: 2, name });
        },
      }),
      null,
    );
    await model.start();
    expect(model.choices).toEqual([{ id: 28, name: "Mahipal singh" }]);
    model.newName = "Morning";
    model.chosen.add(28);
    model.extraGroup = "#32";
    expect(await model.saveCurrent()).toBe(false);
    expect(model.newNameProblem).toContain("already a line-up called");
    expect(model.newName).toBe("Morning");
    expect([...model.chosen]).toEqual([28]);

    model.newName = "Early";
    expect(await model.saveCurrent()).toBe(true);
    expect(asked[1]).toEqual(["Early", [28, 32]]);
    expect(model.open?.name).toBe("Early");
    expect(model.note).toBe("Saved what's on now as “Early”.");
  });

  it("moves the open line-up one place, and knows when it is first or last", async () => {
    const evening = lineup({ id: 2, name: "Evening" });
    const model = new LineupsModel(
      lineupCommands({
        list: async () => [lineup(), evening],
        move: async (id, earlier) => {
          expect([id, earlier]).toEqual([2, true]);
          return [evening, lineup()];
        },
      }),
      null,
    );
    await model.start();
    model.show(2);
    expect(model.place).toEqual({ first: false, last: true });
    await model.move(true);
    expect(model.lineups.map((l) => l.name)).toEqual(["Evening", "Morning"]);
    expect(model.place).toEqual({ first: true, last: false });
  });

  it("refuses a group number that is not one before reading anything", async () => {
    const model = new LineupsModel(lineupCommands(), null);
    model.newName = "Early";
    model.extraGroup = "twenty";
    expect(await model.saveCurrent()).toBe(false);
    expect(model.newGroupsProblem).toBe(
      '"twenty" is not a group number. Use digits only, for example 28.',
    );
  });

  it("adds a time of the week as the days it means", async () => {
    const saved: unknown[] = [];
    const model = new LineupsModel(
      lineupCommands({
        list: async () => [lineup()],
        setSlots: async (_, slots) => {
          saved.push(slots);
          return lineup({ slots, slotWords: ["Weekdays 18:30"] });
        },
      }),
      null,
    );
    await model.start();
    model.show(1);
    model.slotDays = "weekdays";
    model.slotTime = "18:30";
    await model.addSlot();
    expect(saved).toEqual([
      [{ days: ["monday", "tuesday", "wednesday", "thursday", "friday"], hour: 18, minute: 30 }],
    ]);
    model.slotTime = "";
    await model.addSlot();
    expect(model.slotProblem).toBe("Enter a time such as 09:00 or 18:30.");
    expect(saved).toHaveLength(1);
  });

  it("applies a missed line-up, as scheduled, on the account it was opened with", async () => {
    const calls: unknown[] = [];
    const model = new LineupsModel(
      lineupCommands({
        list: async () => [lineup()],
        preview: async () => [read(difference({ starts: [n(3, "bhawesh")] }))],
        apply: async (account, id, allowNobody, scheduled) => {
          calls.push({ account, id, allowNobody, scheduled });
          return { groups: [], undo: [] };
        },
      }),
      "acc-1",
    );
    // "Apply now…" as the screen opens: it waits for the list.
    void model.start();
    await model.previewMissed(1);
    expect(model.open?.name).toBe("Morning");
    await model.applying.confirm();
    expect(calls).toEqual([{ account: "acc-1", id: 1, allowNobody: [], scheduled: true }]);
  });
});

describe("the People screen", () => {
  const people: People = {
    fromList: true,
    groupsRead: 3,
    notRead: [],
    agents: [
      {
        agentId: 8,
        name: "manoj",
        places: [
          { group: 28, groupName: "Mahipal singh", receivesCalls: true },
          { group: 32, groupName: "Day shift", receivesCalls: true },
        ],
      },
      { agentId: 3, name: "bhawesh", places: [] },
    ],
    onLeave: [],
  };

  it("finds an agent and switches them off in each of their groups", async () => {
    const sent: unknown[] = [];
    const commands: PeopleCommands = {
      overview: async () => people,
      offPreview: async () => [read(difference({ stops: [n(8, "manoj")] }))],
      off: async (account, agent, name, places, allowNobody) => {
        sent.push({ account, agent, name, groups: places.map((p) => p.group), allowNobody });
        return { groups: [], undo: [] };
      },
      backPreview: () => Promise.reject(new Error("not expected")),
      back: () => Promise.reject(new Error("not expected")),
    };
    const model = new PeopleModel(commands, null);
    await model.start();
    model.search = "#8";
    expect(model.shown.map((a) => a.agentId)).toEqual([8]);
    model.choose(8);
    await model.offEverywhere();
    expect(model.applying.title).toBe("Off everywhere for manoj (#8)");
    await model.applying.confirm();
    expect(sent).toEqual([
      { account: null, agent: 8, name: "manoj", groups: [28, 32], allowNobody: [] },
    ]);
  });
});
