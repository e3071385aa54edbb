import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import History from "./History.svelte";

// jsdom has no ResizeObserver; the list keeps its default height here.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const SANDBOX = { id: "sandbox", name: "Sandbox", sandbox: true, host: "http://127.0.0.1:4000" };

function backend(opts: { total?: number; unknown?: number; note?: string | null; fail?: boolean }) {
  mockIPC((cmd, args) => {
    if (cmd === "history_overview")
      return { accounts: [SANDBOX], unknown: opts.unknown ?? 0, note: opts.note ?? null };
    if (cmd === "history_page") {
      if (opts.fail)
        throw {
          kind: "History",
          message: "History could not be read.",
          field: null,
          retryable: false,
        };
      const { query } = args as { query: { outcome: string | null } };
      return { total: query.outcome ? 0 : (opts.total ?? 0), offset: 0, entries: [] };
    }
    throw new Error(`unexpected ${cmd}`);
  });
}

describe("the History screen", () => {
  afterEach(() => clearMocks());

  it("says when nothing was sent yet, with every filter labelled", async () => {
    backend({});
    render(History);
    expect(
      await screen.findByText("No changes have been sent from this computer yet."),
    ).toBeVisible();
    for (const label of ["Search", "Account", "Kind", "Outcome", "From", "To"]) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
    expect(screen.getByRole("option", { name: "Sandbox (sample data)" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export the entries shown…" })).toBeDisabled();
  });

  it("offers to clear filters that match nothing", async () => {
    backend({ total: 4 });
    render(History);
    await screen.findByText("4 entries");
    await fireEvent.change(screen.getByLabelText("Outcome"), { target: { value: "failed" } });
    expect(await screen.findByText(/No entries match these filters/)).toBeVisible();
    expect(await screen.findByText("0 of 4 entries")).toBeVisible();
    const [clear] = screen.getAllByRole("button", { name: "Clear filters" });
    await fireEvent.click(clear as HTMLElement);
    expect(await screen.findByText("4 entries")).toBeVisible();
  });

  it("shows the unknown outcomes, a set-aside file and a read error with Retry", async () => {
    backend({ unknown: 2, note: "The History file was set aside as history.db.bad.", fail: true });
    render(History);
    expect(await screen.findByText(/^2 changes have an unknown outcome/)).toBeVisible();
    expect(screen.getByText("The History file was set aside as history.db.bad.")).toBeVisible();
    expect(
      await screen.findByText("History could not be read.", { selector: ".title" }),
    ).toBeVisible();
    expect(screen.getByRole("button", { name: "Retry" })).toBeVisible();
  });
});
