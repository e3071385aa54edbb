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

function backend(preview: unknown) {
  mockIPC((cmd) => {
    if (cmd === "bulk_unfinished") return [];
    if (cmd === "bulk_choose_file") return FILE;
    if (cmd === "bulk_preview") return preview;
    if (cmd === "bulk_preview_rows") return { total: 0, rows: [] };
    throw new Error(`unexpected ${cmd}`);
  });
}

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
      counts: { rows: 3, ready: 2, withProblems: 1, replaced: 0, blacklisting: 2 },
      blankRows: 0,
      blacklisting: ["9876500000", "9876500001"],
    });
    await toColumns();
    await fireEvent.click(screen.getByRole("button", { name: "Check the rows" }));
    expect(await screen.findByText("2 rows ready")).toBeVisible();
    expect(screen.getByText("1 row with problems (will be skipped)")).toBeVisible();
    expect(screen.getByText("2 rows blacklist their contact")).toBeVisible();
    expect(screen.getByRole("button", { name: /^Send 2 rows/ })).toBeEnabled();
    expect(await screen.findByText("No rows here.")).toBeVisible();
  });
});
