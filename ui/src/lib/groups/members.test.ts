import { describe, expect, it } from "vitest";
import type { Member } from "../../bindings";
import { groupLabel, memberLabel, visibleMembers } from "./members";
import { readGroupNumber } from "./open-group.svelte";
import { countWords, otherGroupWords, statusWords } from "./words";
import { m, must } from "./test-support";

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

describe("the group number field", () => {
  it("reads a number as typed, with or without #", () => {
    expect(readGroupNumber(" 28 ")).toEqual({ id: 28 });
    expect(readGroupNumber("#28")).toEqual({ id: 28 });
  });

  it("says what is wrong with anything else", () => {
    expect(readGroupNumber("  ")).toEqual({ problem: "Enter a group number." });
    expect(readGroupNumber("twenty")).toEqual({
      problem: '"twenty" is not a group number. Use digits only, for example 28.',
    });
    expect(readGroupNumber("-3")).toEqual({
      problem: '"-3" is not a group number. Use digits only, for example 28.',
    });
    for (const outside of ["0", "9007199254740992"]) {
      expect(readGroupNumber(outside)).toEqual({
        problem: "A group number is a whole number of 1 or more.",
      });
    }
  });
});

describe("a group in words", () => {
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
