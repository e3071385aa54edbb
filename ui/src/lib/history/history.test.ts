import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Entry_Serialize as Entry, Query_Serialize as Query } from "../../bindings";
import { app } from "../app.svelte";
import { PAGE } from "../paged.svelte";
import { HistoryModel } from "./history.svelte";
import { datesProblem, localDay, NO_FILTERS, toQuery } from "./query";
import {
  changeWords,
  entriesWords,
  entrySentence,
  numberWords,
  outcomeWords,
  unknownWords,
  whenWords,
} from "./words";

const SANDBOX = { id: "sandbox", name: "Sandbox", sandbox: true, host: "http://127.0.0.1:4000" };
const HEAD = { id: "a1", name: "Head office", sandbox: false, host: "https://v4-api.deepcall.com" };

/** 24 Nov 2026, 14:05 in this computer's own time zone. */
const AT = new Date(2026, 10, 24, 14, 5).getTime();

function contactEntry(id: number, over: Partial<Entry> = {}): Entry {
  return {
    id,
    submission: id,
    atMs: AT,
    resolvedMs: AT,
    account: HEAD,
    purpose: "change",
    purposeWords: "",
    change: {
      kind: "contact",
      number: "9876543210",
      name: "Ravi Verma",
      changes: [
        {
          field: "blacklist",
          before: { kind: "flag", value: false },
          after: { kind: "flag", value: true },
        },
      ],
    },
    outcome: "confirmed",
    message: null,
    canCheck: false,
    canTryAgain: false,
    canRevert: true,
    ...over,
  };
}

function receivingEntry(id: number, over: Partial<Entry> = {}): Entry {
  return {
    ...contactEntry(id),
    account: SANDBOX,
    canRevert: false,
    change: {
      kind: "receiving",
      group: 28,
      groupName: "Mahipal singh",
      agentId: 3,
      agentName: "bhawesh",
      before: true,
      after: false,
    },
    ...over,
  };
}

describe("an entry's words", () => {
  it("reads as one sentence in local time", () => {
    const now = new Date(2026, 10, 25);
    expect(entrySentence(contactEntry(1), now, "en-GB")).toBe(
      "Tue 24 Nov, 14:05 — Head office — Blacklisted 98765 43210 (Ravi Verma): off → on — confirmed",
    );
    expect(entrySentence(receivingEntry(2), now, "en-GB")).toBe(
      "Tue 24 Nov, 14:05 — Sandbox — bhawesh (#3) receives calls in Mahipal singh (group 28): on → off — confirmed",
    );
  });

  it("says why it was sent, and the outcome, in Rust's words", () => {
    const now = new Date(2026, 10, 25);
    const undo = receivingEntry(3, { purpose: "undo", purposeWords: "Undo", outcome: "unknown" });
    expect(entrySentence(undo, now, "en-GB")).toBe(
      "Tue 24 Nov, 14:05 — Sandbox — Undo: bhawesh (#3) receives calls in Mahipal singh (group 28): on → off — outcome unknown",
    );
    expect(
      entrySentence(contactEntry(4, { purpose: "revert", purposeWords: "Revert" }), now, "en-GB"),
    ).toContain("— Revert: Blacklisted");
    const lineup = receivingEntry(5, {
      purpose: "scheduled",
      purposeWords: "Scheduled line-up “Evening”",
    });
    expect(entrySentence(lineup, now, "en-GB")).toContain(
      "— Sandbox — Scheduled line-up “Evening”: bhawesh (#3) receives calls",
    );
    expect(outcomeWords("notApplied")).toBe("not applied");
  });

  it("names several fields with the editor's words, and unknowns plainly", () => {
    const c = contactEntry(1).change;
    if (c.kind !== "contact") throw new Error("contact");
    const many = {
      ...c,
      name: null,
      changes: [
        ...c.changes,
        {
          field: "name",
          before: { kind: "text" as const, value: "Ravi" },
          after: { kind: "empty" as const },
        },
      ],
    };
    expect(changeWords(many)).toBe("98765 43210: Blacklisted: off → on; Name: Ravi → (empty)");
    expect(
      changeWords({
        kind: "receiving",
        group: 7,
        groupName: "",
        agentId: 12,
        agentName: null,
        before: null,
        after: true,
      }),
    ).toBe("Agent #12 receives calls in group 7: not known → on");
    expect(numberWords("919876543210")).toBe("+91 98765 43210");
    expect(numberWords("09876543210")).toBe("0 98765 43210");
    expect(numberWords("12345")).toBe("12345");
  });

  it("adds the year only to another year's dates", () => {
    const last = new Date(2025, 0, 2, 9, 30).getTime();
    expect(whenWords(last, new Date(2026, 0, 5), "en-GB")).toContain("2025");
    expect(whenWords(AT, new Date(2026, 11, 31), "en-GB")).not.toContain("2026");
  });

  it("counts", () => {
    expect(entriesWords(1)).toBe("1 entry");
    expect(entriesWords(100000)).toBe(`${(100000).toLocaleString()} entries`);
    expect(unknownWords(0)).toBeNull();
    expect(unknownWords(2)).toMatch(/^2 changes have an unknown outcome: .*Check now/);
  });
});

describe("the filters as a query", () => {
  it("turns local dates into UTC milliseconds, the To day included", () => {
    const q = toQuery({ ...NO_FILTERS, from: "2026-11-24", to: "2026-11-24" });
    expect(q.fromMs).toBe(new Date(2026, 10, 24).getTime());
    expect(q.toMs).toBe(new Date(2026, 10, 25).getTime());
    // The last day of a month rolls over to the next.
    expect(localDay("2026-11-30", 1)).toBe(new Date(2026, 11, 1).getTime());
    expect(localDay("not a date")).toBeNull();
    expect(datesProblem({ ...NO_FILTERS, from: "2026-11-25", to: "2026-11-24" })).toMatch(
      /From date is after/,
    );
    expect(datesProblem({ ...NO_FILTERS, from: "2026-11-24", to: "2026-11-24" })).toBeNull();
  });

  it("leaves empty filters out and trims the search", () => {
    expect(toQuery(NO_FILTERS)).toEqual({
      account: null,
      kind: null,
      outcome: null,
      fromMs: null,
      toMs: null,
      search: "",
    });
    expect(
      toQuery({
        ...NO_FILTERS,
        account: "sandbox",
        kind: "groups",
        outcome: "failed",
        search: " 98 ",
      }),
    ).toMatchObject({ account: "sandbox", kind: "groups", outcome: "failed", search: "98" });
  });
});

/** A History of `n` entries behind mocked IPC; records every page asked. */
function fakeHistory(n: number, unknown = 0) {
  const asked: { query: Query; offset: number; limit: number }[] = [];
  const entries = Array.from({ length: n }, (_, i) => receivingEntry(n - i));
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    if (cmd === "history_overview") return { accounts: [SANDBOX, HEAD], unknown, note: null };
    if (cmd === "history_page") {
      const query = a.query as Query;
      const offset = a.offset as number;
      const limit = a.limit as number;
      asked.push({ query, offset, limit });
      const matching = query.kind === "contacts" ? [] : entries;
      return { total: matching.length, offset, entries: matching.slice(offset, offset + limit) };
    }
    if (cmd === "check_history") {
      return [receivingEntry(a.entry as number, { outcome: "confirmed" })];
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return { asked };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("the History model", () => {
  afterEach(() => {
    clearMocks();
    app.overview = null;
  });

  it("fetches the first page, then only the pages scrolled to", async () => {
    const { asked } = fakeHistory(100_000);
    const model = new HistoryModel();
    await model.start();
    expect(model.total).toBe(100_000);
    expect(model.countWords).toBe(`${(100_000).toLocaleString()} entries`);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ offset: 0, limit: PAGE });
    expect(model.entries.at(0)?.id).toBe(100_000);
    expect(model.entries.at(PAGE)).toBeUndefined();

    // Scrolled to the middle: that page only, and only once.
    model.entries.ensure(50_010, 50_020);
    model.entries.ensure(50_010, 50_020);
    await tick();
    expect(asked.map((x) => x.offset)).toEqual([0, 50_000]);
    expect(model.entries.at(50_010)?.id).toBe(100_000 - 50_010);
    // Across a page edge: the next page too.
    model.entries.ensure(50_190, 50_210);
    await tick();
    expect(asked.map((x) => x.offset)).toEqual([0, 50_000, 50_200]);
  });

  it("asks again from the top when a filter changes, and counts N of M", async () => {
    const { asked } = fakeHistory(3);
    const model = new HistoryModel();
    await model.start();
    model.set("kind", "contacts");
    await tick();
    await tick();
    expect(asked.at(-1)?.query.kind).toBe("contacts");
    expect(model.total).toBe(0);
    expect(model.filtered).toBe(true);
    expect(model.countWords).toBe("0 of 3 entries");
    model.clearFilters();
    await tick();
    await tick();
    expect(model.total).toBe(3);
    expect(model.filtered).toBe(false);
  });

  it("hides the set-aside note once the manager has read it, and tells Rust so", async () => {
    const seen: string[] = [];
    mockIPC((cmd) => {
      if (cmd === "history_overview")
        return { accounts: [], unknown: 0, note: "The earlier History file could not be read." };
      if (cmd === "history_note_seen") {
        seen.push(cmd);
        return null;
      }
      if (cmd === "history_page") return { total: 0, offset: 0, entries: [] };
      throw new Error(`unexpected ${cmd}`);
    });
    const model = new HistoryModel();
    await model.start();
    expect(model.overview?.note).toContain("could not be read");
    await model.noteSeen();
    expect(seen).toEqual(["history_note_seen"]);
    expect(model.overview?.note).toBeNull();
    expect(model.error).toBeNull();
  });

  it("waits for a pause in typing before searching", async () => {
    const { asked } = fakeHistory(3);
    const model = new HistoryModel();
    await model.start();
    const pages = () => asked.filter((x) => x.limit > 0);
    const before = pages().length;
    model.set("search", "b");
    model.set("search", "bh");
    model.set("search", "bha");
    await tick();
    expect(pages().length).toBe(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(pages().at(-1)?.query.search).toBe("bha");
    expect(pages().length).toBe(before + 1);
  });

  it("Check now puts the settled entry in place and reads the overview again", async () => {
    fakeHistory(3, 1);
    const model = new HistoryModel();
    await model.start();
    expect(app.unknownChanges).toBe(1);
    const e = model.entries.at(1);
    if (!e) throw new Error("entry");
    model.entries.pages = {
      0: [
        model.entries.at(0),
        { ...e, outcome: "unknown", canCheck: true },
        model.entries.at(2),
      ] as Entry[],
    };
    await model.check(model.entries.at(1) as Entry);
    expect(model.entries.at(1)?.outcome).toBe("confirmed");
    expect(model.note?.text).toMatch(/^Checked: DeepCall has this change/);
    expect(model.checking).toEqual([]);
  });

  it("acts only on the active account's entries, and says so plainly", async () => {
    fakeHistory(0);
    const model = new HistoryModel();
    app.overview = { accounts: [], activeId: null, keyring: null, note: null };
    app.screen = "history";
    model.open(contactEntry(1));
    expect(app.screen).toBe("history");
    expect(model.note?.text).toBe(
      "This change was made with “Head office”. Choose that account at the top of the window first.",
    );
    // The Sandbox's entry opens its group on the Groups screen.
    await model.tryAgain(receivingEntry(2));
    expect(app.screen).toBe("groups");
    expect(app.takeIntent()).toEqual({
      kind: "openGroup",
      group: 28,
      tryAgain: { agentId: 3, receivesCalls: false },
    });
  });
});
