import type { Channel } from "@tauri-apps/api/core";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type {
  BatchSummary,
  BulkFile,
  Mapping,
  RowPreview_Serialize as RowPreview,
  RunProgress_Serialize as RunProgress,
} from "../../bindings";
import { app } from "../app.svelte";
import { confirmModel } from "../confirm.svelte";
import { PAGE } from "../paged.svelte";
import { BulkModel } from "./bulk.svelte";
import { choiceOf, mappingOf, OPTIONS, targetOf } from "./mapping";
import {
  changeWords,
  countsWords,
  progressWords,
  sameCallerWords,
  summaryWords,
  timeLeftWords,
  unfinishedWords,
  agoWords,
} from "./words";

const SANDBOX = { id: "sandbox", name: "Sandbox", sandbox: true, host: "http://127.0.0.1:4000" };

const FILE: BulkFile = {
  file: 7,
  name: "bulk-50.csv",
  rows: 50,
  blankRows: 0,
  separator: "comma",
  separatorWords: "commas (“,”)",
  headers: ["Phone", "Name", "VIP", "Language"],
  examples: [["9876500000", "Ravi Verma", "yes", "Hindi"]],
  mapping: {
    columns: [
      { header: "Phone", target: { kind: "number" } },
      { header: "Name", target: { kind: "field", field: "name" } },
      { header: "VIP", target: { kind: "field", field: "vip" } },
      { header: "Language", target: { kind: "field", field: "preferred_language" } },
    ],
  },
};

const COUNTS = {
  rows: 50,
  ready: 49,
  withProblems: 1,
  replaced: 0,
  blacklisting: 5,
  sameCaller: 0,
  leftOutSameCaller: 0,
};

function summary(over: Partial<BatchSummary> = {}): BatchSummary {
  return {
    id: 3,
    createdMs: 0,
    account: SANDBOX,
    source: "bulk-50.csv",
    state: "running",
    rows: 49,
    pending: 49,
    confirmed: 0,
    failed: 0,
    unknown: 0,
    notApplied: 0,
    changedSince: 0,
    otherValues: 0,
    notConfirmed: 0,
    blacklistingLeft: 0,
    note: null,
    ...over,
  };
}

function row(line: number): RowPreview {
  return {
    line,
    number: `98765000${String(line).padStart(2, "0")}`,
    state: "ready",
    replacedBy: null,
    note: null,
    changes: [],
    problems: [],
    blacklists: false,
    sameCaller: [],
  };
}

interface Calls {
  [cmd: string]: unknown[];
}

/** A backend answering the bulk commands; records every call's arguments. */
function backend(opts: {
  preview?: unknown;
  previewFails?: boolean;
  unfinished?: BatchSummary[];
  watch?: (channel: Channel<RunProgress>) => Promise<BatchSummary>;
}): Calls {
  const calls: Calls = {};
  let previews = 0;
  mockIPC((cmd, args) => {
    (calls[cmd] ??= []).push(args);
    switch (cmd) {
      case "bulk_unfinished":
        return opts.unfinished ?? [];
      case "bulk_choose_file":
        return FILE;
      case "bulk_preview":
        if (opts.previewFails)
          throw { kind: "Internal", message: "It broke.", field: null, retryable: true };
        previews += 1;
        return (
          opts.preview ?? {
            kind: "checked",
            preview: previews,
            counts: COUNTS,
            blankRows: 0,
            blacklisting: ["1"],
            sameCaller: (args as { sameCaller: string }).sameCaller,
          }
        );
      case "bulk_preview_rows": {
        const { offset, limit } = args as { offset: number; limit: number };
        const total = 450;
        const rows = [];
        for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(row(i + 2));
        return { total, rows };
      }
      case "bulk_start":
        return summary();
      case "bulk_resume":
        return summary({ id: (args as { batch: number }).batch });
      case "bulk_watch": {
        const ch = (args as { onProgress: Channel<RunProgress> }).onProgress;
        return opts.watch
          ? opts.watch(ch)
          : summary({ state: "finished", pending: 0, confirmed: 49 });
      }
      case "bulk_control":
        return null;
      case "bulk_results":
        return { total: 50, rows: [] };
      case "bulk_save_results":
        return { path: "/home/m/results.csv", rows: 50 };
      case "history_overview":
        return { accounts: [SANDBOX], unknown: 0, note: null };
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

/** Sends a progress message over the channel, as Rust does. */
function emit(ch: Channel<RunProgress>, index: number, p: RunProgress) {
  (
    window as unknown as {
      __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
    }
  ).__TAURI_INTERNALS__.runCallback(ch.id, { index, message: p });
}

const flush = () => new Promise((r) => setTimeout(r, 0));

async function atPreview(calls?: Calls): Promise<BulkModel> {
  void calls;
  const m = new BulkModel();
  await m.choose();
  await m.check();
  return m;
}

describe("the mapping's choices", () => {
  it("offers the number, every field, a custom field and Not used", () => {
    const labels = OPTIONS.map((o) => o.label);
    expect(labels[0]).toBe("Phone number");
    expect(labels).toContain("VIP");
    expect(labels).toContain("Blacklisted");
    expect(labels.slice(-2)).toEqual(["Custom field…", "Not used"]);
  });

  it("shows an account's own field as a custom one and sends it back by name", () => {
    const c = choiceOf({ kind: "field", field: "preferred_language" });
    expect(c).toEqual({ value: "custom", custom: "preferred_language" });
    expect(targetOf(c)).toEqual({ kind: "field", field: "preferred_language" });
    expect(targetOf({ value: "field:vip", custom: "" })).toEqual({ kind: "field", field: "vip" });
    expect(targetOf({ value: "notUsed", custom: "" })).toEqual({ kind: "notUsed" });
    const m: Mapping = mappingOf(
      ["A", "B"],
      [
        { value: "number", custom: "" },
        { value: "custom", custom: "  " },
      ],
    );
    expect(m.columns[1]).toEqual({ header: "B", target: { kind: "notUsed" } });
  });
});

describe("the words", () => {
  it("says the counts as the manager reads them", () => {
    expect(
      countsWords({ ...COUNTS, rows: 55, replaced: 2, sameCaller: 3, leftOutSameCaller: 0 }),
    ).toEqual([
      "49 rows ready",
      "1 row with problems (will be skipped)",
      "2 rows replaced by a later row with the same number (the last row wins)",
      "3 rows may be the same caller as another row: each is sent to its number as written",
      "5 rows blacklist their contact",
    ]);
    expect(countsWords({ ...COUNTS, ready: 47, sameCaller: 3, leftOutSameCaller: 2 })).toContain(
      "3 rows may be the same caller as another row: only the last of each is sent, 2 left out",
    );
    expect(countsWords({ ...COUNTS, rows: 1, ready: 1, withProblems: 0, blacklisting: 1 })).toEqual(
      ["1 row ready", "1 row blacklists its contact"],
    );
  });

  it("names the other rows that may be the same caller, with their numbers", () => {
    expect(sameCallerWords([{ line: 5, number: "09810000001" }])).toBe(
      "May be the same caller as row 5 (0 98100 00001).",
    );
    expect(
      sameCallerWords([
        { line: 4, number: "919810000001" },
        { line: 9, number: "9810000001" },
      ]),
    ).toBe("May be the same caller as row 4 (+91 98100 00001) and row 9 (98100 00001).");
  });

  it("words the progress with grouped numbers, the rate and the time left", () => {
    const p: RunProgress = {
      batch: 1,
      rows: 10000,
      done: 1200,
      confirmed: 1200,
      failed: 0,
      unknown: 0,
      held: 0,
      paused: false,
      rowsPerSecond: 85.4,
      atOnce: 12,
      waitingSeconds: null,
      secondsLeft: 22,
    };
    expect(progressWords(p)).toBe(
      "1,200 of 10,000 rows done · 85 rows a second · about 22 seconds left · sending 12 at a time",
    );
    expect(progressWords({ ...p, waitingSeconds: 19.2 })).toBe(
      "1,200 of 10,000 rows done · 85 rows a second · DeepCall asked to wait 20 s · sending 12 at a time",
    );
    expect(progressWords({ ...p, rows: 50, done: 12, paused: true })).toBe(
      "12 of 50 rows done · Paused",
    );
    expect(progressWords({ ...p, rowsPerSecond: 0, secondsLeft: null })).toBe(
      "1,200 of 10,000 rows done · sending 12 at a time",
    );
    expect(timeLeftWords(600)).toBe("about 10 minutes left");
  });

  it("words a run's end and an unfinished run", () => {
    const s = summary({ state: "finished", pending: 0, confirmed: 47, failed: 2 });
    expect(summaryWords(s, 1)).toBe("47 confirmed · 2 failed · 1 left out");
    const day = 24 * 3600 * 1000;
    expect(unfinishedWords(summary({ confirmed: 21, rows: 50 }), 3 * day + 5000)).toBe(
      "A bulk update from “bulk-50.csv”, started 3 days ago, was not finished: 21 of 50 rows confirmed.",
    );
    expect(
      summaryWords(
        summary({ confirmed: 40, changedSince: 2, otherValues: 1, notConfirmed: 1, pending: 0 }),
        0,
      ),
    ).toBe(
      "40 confirmed · 2 changed since — not sent · 1 not sent — DeepCall has other values · 1 not sent — blacklisting not confirmed",
    );
    expect(agoWords(30_000)).toBe("just now");
    expect(agoWords(90 * 60_000)).toBe("1 hour ago");
  });

  it("gives a row's new value when the file does not say the old one", () => {
    expect(
      changeWords({
        field: "vip",
        before: { kind: "notKnown" },
        after: { kind: "flag", value: true },
      }),
    ).toBe("VIP: on");
  });
});

describe("the Bulk update model", () => {
  afterEach(() => {
    clearMocks();
    app.overview = null;
    app.unfinishedRuns = 0;
  });

  it("reads the unfinished runs on entry and counts them for the badge", async () => {
    backend({ unfinished: [summary({ pending: 10 })] });
    const m = new BulkModel();
    await m.enter();
    expect(m.unfinished).toHaveLength(1);
    expect(app.unfinishedRuns).toBe(1);
  });

  it("takes the proposed mapping, then keeps the choices when the preview fails", async () => {
    backend({ previewFails: true });
    const m = new BulkModel();
    await m.choose();
    expect(m.step).toBe("columns");
    expect(m.choices.map((c) => c.value)).toEqual(["number", "field:name", "field:vip", "custom"]);
    m.setChoice(1, "notUsed");
    await m.check();
    expect(m.checkError?.message).toBe("It broke.");
    expect(m.step).toBe("columns");
    expect(m.choices[1]?.value).toBe("notUsed");
  });

  it("asks for a custom field's name before checking", async () => {
    const calls = backend({});
    const m = new BulkModel();
    await m.choose();
    m.setChoice(2, "custom");
    await m.check();
    expect(m.problemsOf(2)[0]?.message).toMatch(/type the custom field’s name/);
    expect(calls.bulk_preview).toBeUndefined();
  });

  it("shows the mapping's problems beside their column", async () => {
    backend({
      preview: {
        kind: "mapping",
        problems: [{ column: 0, message: "Column “Phone”: not a number." }],
      },
    });
    const m = new BulkModel();
    await m.choose();
    await m.check();
    expect(m.step).toBe("columns");
    expect(m.problemsOf(0)).toHaveLength(1);
    m.setChoice(0, "number");
    expect(m.problemsOf(0)).toHaveLength(0);
  });

  it("sends the mapping as chosen and pages the preview's rows", async () => {
    const calls = backend({});
    const m = await atPreview();
    expect(m.step).toBe("preview");
    const sent = calls.bulk_preview?.[0] as { file: number; mapping: Mapping };
    expect(sent.file).toBe(7);
    expect(sent.mapping.columns[3]?.target).toEqual({ kind: "field", field: "preferred_language" });
    expect(m.rows.total).toBe(450);
    expect(calls.bulk_preview_rows).toHaveLength(1);
    m.rows.ensure(0, PAGE + 10);
    await flush();
    expect(calls.bulk_preview_rows).toHaveLength(2);
    expect(m.rows.at(PAGE)?.line).toBe(PAGE + 2);
    await m.show("problems");
    expect((calls.bulk_preview_rows?.at(-1) as { show: string }).show).toBe("problems");
  });

  it("opens the blacklist gate; Go back sends nothing", async () => {
    const calls = backend({});
    const m = await atPreview();
    await m.send();
    expect(m.gateOpen).toBe(true);
    await m.answerGate(null);
    expect(m.gateOpen).toBe(false);
    expect(calls.bulk_start).toBeUndefined();
  });

  it("sends only the other rows, on the active account", async () => {
    const calls = backend({});
    app.overview = { accounts: [], activeId: "a1" } as unknown as typeof app.overview;
    const m = await atPreview();
    await m.send();
    await m.answerGate(false);
    expect(calls.bulk_start?.[0]).toEqual({
      file: 7,
      preview: 1,
      blacklistingConfirmed: null,
      account: "a1",
    });
  });

  it("carries the preview shown and the blacklisting rows confirmed into the start", async () => {
    const calls = backend({});
    const m = await atPreview();
    expect(m.checked?.preview).toBe(1);
    await m.send();
    await m.answerGate(true);
    expect(calls.bulk_start?.[0]).toEqual({
      file: 7,
      preview: 1,
      blacklistingConfirmed: 5,
      account: null,
    });
  });

  it("makes the preview again for Keep the last, and starts that one", async () => {
    const calls = backend({});
    const m = await atPreview();
    expect((calls.bulk_preview?.[0] as { sameCaller: string }).sameCaller).toBe("keepBoth");
    await m.show("sameCaller");
    await m.chooseSameCaller("keepLast");
    const again = calls.bulk_preview?.[1] as { mapping: Mapping; sameCaller: string };
    expect(again.sameCaller).toBe("keepLast");
    expect(again.mapping).toEqual((calls.bulk_preview?.[0] as { mapping: Mapping }).mapping);
    expect(m.checked).toMatchObject({ preview: 2, sameCaller: "keepLast" });
    expect(m.step).toBe("preview");
    expect(m.filter).toBe("sameCaller");
    expect((calls.bulk_preview_rows?.at(-1) as { show: string }).show).toBe("sameCaller");
    await m.send();
    await m.answerGate(true);
    expect(calls.bulk_start?.[0]).toMatchObject({ preview: 2, blacklistingConfirmed: 5 });
    // A new file starts from Keep both again.
    await m.choose();
    expect(m.sameCaller).toBe("keepBoth");
  });

  it("keeps the choice it had when the preview cannot be made again", async () => {
    let fail = false;
    mockIPC((cmd, args) => {
      if (cmd === "bulk_choose_file") return FILE;
      if (cmd === "bulk_preview_rows") return { total: 0, rows: [] };
      if (cmd === "bulk_preview") {
        if (fail) throw { kind: "Internal", message: "It broke.", field: null, retryable: true };
        return {
          kind: "checked",
          preview: 1,
          counts: COUNTS,
          blankRows: 0,
          blacklisting: [],
          sameCaller: (args as { sameCaller: string }).sameCaller,
        };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    const m = await atPreview();
    fail = true;
    await m.chooseSameCaller("keepLast");
    expect(m.sameCaller).toBe("keepBoth");
    expect(m.checked?.sameCaller).toBe("keepBoth");
    expect(m.checkError?.message).toBe("It broke.");
    expect(m.step).toBe("preview");
  });

  it("follows the run's progress, then shows the results", async () => {
    let finish: (s: BatchSummary) => void = () => {};
    let channel: Channel<RunProgress> | null = null;
    const calls = backend({
      watch: (ch) => {
        channel = ch;
        return new Promise((r) => (finish = r));
      },
    });
    const m = await atPreview();
    await m.start(5);
    expect(calls.bulk_start?.[0]).toMatchObject({ blacklistingConfirmed: 5, account: null });
    expect(m.step).toBe("sending");
    await flush();
    if (!channel) throw new Error("bulk_watch was not called");
    emit(channel, 0, {
      batch: 3,
      rows: 49,
      done: 12,
      confirmed: 12,
      failed: 0,
      unknown: 0,
      held: 0,
      paused: false,
      rowsPerSecond: 6,
      atOnce: 4,
      waitingSeconds: null,
      secondsLeft: 6,
    });
    expect(m.progress?.done).toBe(12);
    await m.control("pause");
    expect(calls.bulk_control?.[0]).toEqual({ batch: 3, control: "pause" });
    expect(m.paused).toBe(true);
    await m.control("run");
    expect(m.paused).toBe(false);
    finish(summary({ state: "finished", pending: 0, confirmed: 48, failed: 1 }));
    await flush();
    await flush();
    expect(m.step).toBe("results");
    expect(m.results.total).toBe(50);
    expect(m.leftOut).toBe(1);
    await m.save();
    expect(m.savedNote).toBe("Saved to /home/m/results.csv");
  });

  it("asks before cancelling; Keep sending sends no cancel", async () => {
    const calls = backend({ watch: () => new Promise(() => {}) });
    const m = await atPreview();
    await m.start(null);
    const asked = m.cancel();
    expect(confirmModel.current?.title).toBe("Stop sending?");
    expect(confirmModel.current?.cancelLabel).toBe("Keep sending");
    confirmModel.answer(false);
    await asked;
    expect(calls.bulk_control).toBeUndefined();
    const again = m.cancel();
    confirmModel.answer(true);
    await again;
    expect(calls.bulk_control?.[0]).toEqual({ batch: 3, control: "cancel" });
  });

  it("resumes an unfinished run, or ends it", async () => {
    const calls = backend({
      unfinished: [summary({ id: 9, pending: 10 })],
      watch: () => new Promise(() => {}),
    });
    const m = new BulkModel();
    await m.enter();
    await m.end(summary({ id: 9, pending: 10 }));
    expect(m.unfinished).toHaveLength(1);
    expect(calls.bulk_control?.[0]).toEqual({ batch: 9, control: "cancel" });
    expect(m.runNote?.text).toMatch(/was ended/);
    await m.resume(summary({ id: 9 }), true);
    expect(calls.bulk_resume?.[0]).toEqual({ batch: 9, blacklisting: null, account: null });
    expect(m.step).toBe("sending");
    expect(m.batch?.id).toBe(9);
  });
});
