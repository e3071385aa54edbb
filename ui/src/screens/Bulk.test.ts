import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { BulkFile } from "../bindings";
import { BulkModel } from "../lib/bulk/bulk.svelte";
import Bulk from "./Bulk.svelte";

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const FILE: BulkFile = {
  file: 1,
  name: "vip.csv",
  rows: 3,
  blankRows: 0,
  separator: "semicolon",
  separatorWords: "semicolons (“;”)",
  headers: ["Mobile", "Blacklist"],
  examples: [["9876500000", "yes"]],
  mapping: {
    columns: [
      { header: "Mobile", target: { kind: "notUsed" } },
      { header: "Blacklist", target: { kind: "field", field: "blacklist" } },
    ],
  },
};

function backend(
  preview: unknown,
  rows: (show: string) => unknown[] = () => [],
): Record<string, unknown[]> {
  const calls: Record<string, unknown[]> = {};
  mockIPC((cmd, args) => {
    (calls[cmd] ??= []).push(args);
    if (cmd === "bulk_unfinished") return [];
    if (cmd === "bulk_choose_file") return FILE;
    if (cmd === "bulk_preview")
      return typeof preview === "function" ? (preview as (a: unknown) => unknown)(args) : preview;
    if (cmd === "bulk_preview_rows") {
      const shown = rows((args as { show: string }).show);
      return { total: shown.length, rows: shown };
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

const COUNTS = {
  rows: 3,
  ready: 2,
  withProblems: 1,
  replaced: 0,
  blacklisting: 2,
  sameCaller: 0,
  leftOutSameCaller: 0,
};

async function toColumns() {
  const model = new BulkModel();
  render(Bulk, { model });
  await fireEvent.click(await screen.findByRole("button", { name: "Choose a CSV file…" }));
  await screen.findByRole("heading", { name: "Match the columns" });
  return model;
}

describe("the Bulk update screen", () => {
  afterEach(() => clearMocks());

  it("labels each column's choice and puts its problem beside it", async () => {
    backend({
      kind: "mapping",
      problems: [{ column: 0, message: "Choose the column with the phone numbers." }],
    });
    await toColumns();
    const select = screen.getByLabelText("Field for column “Mobile”");
    expect(select).toHaveValue("notUsed");
    expect(screen.getByText(/vip\.csv/)).toBeVisible();
    await fireEvent.click(screen.getByRole("button", { name: "Check the rows" }));
    const beside = await screen.findByText("Choose the column with the phone numbers.", {
      selector: "p",
    });
    expect(select).toHaveAttribute("aria-describedby", beside.id);
    expect(select).toHaveAttribute("aria-invalid", "true");
    // Also on top.
    expect(screen.getByRole("alert")).toHaveTextContent("Change the column choices first");
  });

  it("asks for a custom field's name", async () => {
    backend({ kind: "mapping", problems: [] });
    await toColumns();
    await fireEvent.change(screen.getByLabelText("Field for column “Mobile”"), {
      target: { value: "custom" },
    });
    expect(screen.getByLabelText("Custom field name for column “Mobile”")).toBeVisible();
  });

  it("words the preview's counts and the Send button", async () => {
    backend({
      kind: "checked",
      preview: 1,
      counts: COUNTS,
      blankRows: 0,
      blacklisting: ["9876500000", "9876500001"],
      sameCaller: "keepBoth",
    });
    await toColumns();
    await fireEvent.click(screen.getByRole("button", { name: "Check the rows" }));
    expect(await screen.findByText("2 rows ready")).toBeVisible();
    expect(screen.getByText("1 row with problems (will be skipped)")).toBeVisible();
    expect(screen.getByText("2 rows blacklist their contact")).toBeVisible();
    expect(screen.getByRole("button", { name: /^Send 2 rows/ })).toBeEnabled();
    expect(await screen.findByText("No rows here.")).toBeVisible();
    // No look-alikes: neither the choice nor its filter.
    expect(screen.queryByRole("group", { name: /may be the same caller/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "May be the same caller" })).toBeNull();
  });

  it("names rows that may be the same caller and lets the manager keep the last", async () => {
    const row = (line: number, number: string, state: string, others: [number, string][]) => ({
      line,
      number,
      state,
      replacedBy: state === "ready" ? null : 4,
      note: state === "ready" ? null : `Row ${line} is not sent: its number ${number} may be…`,
      changes: [],
      problems: [],
      blacklists: false,
      sameCaller: others.map(([l, n]) => ({ line: l, number: n })),
    });
    const calls = backend(
      (args: unknown) => {
        const last = (args as { sameCaller: string }).sameCaller === "keepLast";
        return {
          kind: "checked",
          preview: last ? 2 : 1,
          counts: {
            ...COUNTS,
            ready: last ? 1 : 2,
            withProblems: 0,
            blacklisting: 0,
            sameCaller: 2,
            leftOutSameCaller: last ? 1 : 0,
          },
          blankRows: 0,
          blacklisting: [],
          sameCaller: (args as { sameCaller: string }).sameCaller,
        };
      },
      (show) =>
        show === "sameCaller"
          ? [
              row(2, "919810000001", "ready", [[4, "09810000001"]]),
              row(4, "09810000001", "ready", [[2, "919810000001"]]),
            ]
          : [],
    );
    await toColumns();
    await fireEvent.click(screen.getByRole("button", { name: "Check the rows" }));
    const group = await screen.findByRole("group", {
      name: "2 rows may be the same caller: which to send?",
    });
    expect(group).toHaveAccessibleDescription(/differ only by \+91, 91 or a leading 0/);
    expect(
      screen.getByText(
        "2 rows may be the same caller as another row: each is sent to its number as written",
      ),
    ).toBeVisible();
    const both = screen.getByRole("radio", { name: /^Keep both/ });
    const last = screen.getByRole("radio", { name: /^Keep the last/ });
    expect(both).toBeChecked();
    expect(last).toHaveAccessibleDescription(/Send only the last of these rows/);

    await fireEvent.click(screen.getByRole("button", { name: "May be the same caller" }));
    const listed = await screen.findAllByTestId("bulk-preview-row");
    expect(listed.map((r) => r.dataset.line)).toEqual(["2", "4"]);
    expect(listed[0]).toHaveTextContent("May be the same caller as row 4 (0 98100 00001).");

    await fireEvent.click(last);
    expect(
      await screen.findByText(
        "2 rows may be the same caller as another row: only the last of each is sent, 1 left out",
      ),
    ).toBeVisible();
    expect((calls.bulk_preview?.at(-1) as { sameCaller: string }).sameCaller).toBe("keepLast");
    expect(screen.getByRole("radio", { name: /^Keep the last/ })).toBeChecked();
    expect(screen.getByRole("button", { name: /^Send 1 row/ })).toBeEnabled();
  });
});
