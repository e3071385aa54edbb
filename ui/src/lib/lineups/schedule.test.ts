import { describe, expect, it } from "vitest";
import type { Application, ScheduleNotice } from "../../bindings";
import { ScheduleModel, type ScheduleCommands } from "./schedule.svelte";

const changed = (group: number, name: string): Application => ({
  groups: [
    {
      outcome: "applied",
      difference: {
        group,
        groupName: name,
        starts: [],
        stops: [{ agentId: 3, name: "bhawesh", receivesCalls: true }],
        unchanged: 0,
        left: [],
        notInLineup: [],
        receivingAfter: 1,
        nobodyLeft: false,
      },
    },
  ],
  undo: [
    { group, groupName: name, members: [{ agentId: 3, name: "bhawesh", receivesCalls: true }] },
  ],
});

function fakes(already: ScheduleNotice[] = []) {
  let hear: (n: ScheduleNotice) => void = () => {};
  const answered: number[] = [];
  const undone: string[] = [];
  const commands: ScheduleCommands = {
    watch: async (onNotice) => {
      hear = onNotice;
      return already.flatMap((n) => (n.notice === "missed" ? n.missed : []));
    },
    answered: async (lineup) => {
      answered.push(lineup);
    },
    undo: async (account, name, undo) => {
      undone.push(`${account ?? "sandbox"}:${name}:${undo.map((g) => g.group).join(",")}`);
      return changed(undo[0]?.group ?? 0, "");
    },
  };
  return { commands, answered, undone, hear: (n: ScheduleNotice) => hear(n) };
}

describe("the schedule's notices", () => {
  it("asks about missed times one at a time, the earliest first, until answered", async () => {
    const f = fakes([
      {
        notice: "missed",
        missed: [
          { lineup: 1, name: "Morning", atMs: 1, when: "09:00" },
          { lineup: 2, name: "Evening", atMs: 2, when: "yesterday at 18:00" },
        ],
      },
    ]);
    const model = new ScheduleModel(f.commands);
    await model.start();
    expect(model.asking?.name).toBe("Morning");
    await model.answer(1);
    expect(model.asking?.name).toBe("Evening");
    expect(f.answered).toEqual([1]);
    // A later look replaces the list with what is asked now.
    f.hear({ notice: "missed", missed: [] });
    expect(model.asking).toBeNull();
  });

  it("says two line-ups applied at once in their order, and undoes the last first", async () => {
    const f = fakes();
    const model = new ScheduleModel(f.commands);
    await model.start();
    f.hear({
      notice: "applied",
      atMs: 0,
      when: "18:00",
      applied: [
        { lineup: 1, name: "Evening", application: changed(28, "Mahipal singh") },
        { lineup: 2, name: "Skeleton", application: changed(29, "Night shift") },
      ],
    });
    expect(model.notice?.headline).toBe(
      "On schedule at 18:00: 2 line-ups were due at once and were applied in their order: Evening, then Skeleton.",
    );
    expect(model.notice?.lines).toEqual([
      "Mahipal singh: 1 stops — done, and DeepCall shows it.",
      "Night shift: 1 stops — done, and DeepCall shows it.",
    ]);
    await model.undo("acc-1");
    expect(f.undone).toEqual(["acc-1:Skeleton:29", "acc-1:Evening:28"]);
    expect(model.notice?.undone).toBe(true);
    expect(model.notice?.headline).toBe("Undone: Evening, Skeleton.");
  });
});
