import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { confirmModel } from "../confirm.svelte";
import { doneWords, offerWords, sizeWords, TidyModel } from "./tidy.svelte";

afterEach(() => clearMocks());

/** Runs that ended 120 days ago keep a copy: 2 runs, 12,000 rows, 3.4 MB. */
function backend(asked: { cmd: string; days: number }[]) {
  let removed = false;
  mockIPC((cmd, args) => {
    const days = (args as { days: number }).days;
    asked.push({ cmd, days });
    if (cmd === "history_tidy_estimate") {
      const runs = removed || days > 120 ? 0 : 2;
      return { days, runs, rows: runs ? 12_000 : 0, bytes: runs ? 3_400_000 : 0 };
    }
    if (cmd === "history_tidy") {
      removed = true;
      return { runs: 2, rows: 12_000, fileBefore: 9_600_000, fileAfter: 6_100_000 };
    }
    throw new Error(`unexpected ${cmd}`);
  });
}

describe("History's tidy-up", () => {
  it("words sizes and the offer as a manager reads them", () => {
    expect(sizeWords(12_345_678)).toBe("about 12 MB");
    expect(sizeWords(350_400)).toBe("about 350 KB");
    expect(sizeWords(20)).toBe("less than 1 KB");
    expect(offerWords({ days: 90, runs: 1, rows: 1, bytes: 2_000 })).toBe(
      "Bulk runs that ended more than 90 days ago keep a copy of their files' rows " +
        "(1 bulk run, 1 row, about 2 KB). Remove those copies? Every change stays in History.",
    );
    expect(offerWords({ days: 365, runs: 0, rows: 0, bytes: 0 })).toBe(
      "No bulk run that ended more than 365 days ago keeps a copy of its file's rows.",
    );
    expect(doneWords({ runs: 2, rows: 12_000, fileBefore: 9_600_000, fileAfter: 6_100_000 })).toBe(
      "Removed the copies of 2 bulk runs (12,000 rows). History's file went from 10 MB to 6 MB.",
    );
  });

  it("offers 90 days first, asks before removing, and removes nothing on Keep them", async () => {
    const asked: { cmd: string; days: number }[] = [];
    backend(asked);
    const model = new TidyModel();
    await model.start();
    expect(model.offered).toBe(true);
    expect(model.estimate?.days).toBe(90);
    expect(model.estimate?.runs).toBe(2);

    const keep = model.remove();
    await Promise.resolve();
    expect(confirmModel.current?.title).toBe("Remove the copies of 2 bulk runs?");
    expect(confirmModel.current?.message).toContain(
      "Every change those runs sent stays in History",
    );
    confirmModel.answer(false);
    await keep;
    expect(asked.some((a) => a.cmd === "history_tidy")).toBe(false);

    const remove = model.remove();
    await Promise.resolve();
    confirmModel.answer(true);
    await remove;
    expect(asked.filter((a) => a.cmd === "history_tidy")).toEqual([
      { cmd: "history_tidy", days: 90 },
    ]);
    expect(model.done).toContain("Removed the copies of 2 bulk runs");
    expect(model.offered).toBe(false);
  });

  it("a longer age with nothing to remove keeps the offer, its button idle", async () => {
    const asked: { cmd: string; days: number }[] = [];
    backend(asked);
    const model = new TidyModel();
    await model.start();
    await model.choose(180);
    expect(model.offered).toBe(true);
    expect(model.estimate?.runs).toBe(0);
    await model.remove();
    expect(confirmModel.current).toBe(null);
  });
});
