import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import { app } from "./lib/app.svelte";

const sandboxStatus = {
  version: "0.1.0",
  mode: "Sandbox",
  accountName: "Sandbox",
  host: "http://127.0.0.1:4000",
};
const noAccounts = { accounts: [], activeId: null, keyring: null, note: null };
const oneAccount = {
  accounts: [
    {
      id: "a1",
      name: "Head office",
      host: "https://v4-api.deepcall.com",
      signIn: { method: "userToken", userId: "29791451" },
    },
  ],
  activeId: null,
  keyring: null,
  note: null,
};

function backend(overview: unknown = oneAccount) {
  mockIPC((cmd) => {
    if (cmd === "app_status") return sandboxStatus;
    if (cmd === "accounts_overview") return overview;
    throw new Error(`unexpected command ${cmd}`);
  });
}

beforeEach(() => {
  app.status = null;
  app.overview = null;
  app.error = null;
  app.screen = "groups";
  app.welcomeDone = false;
});
afterEach(() => clearMocks());

describe("the app frame", () => {
  it("marks Sandbox mode and the active account", async () => {
    backend();
    render(App);
    const select = await screen.findByLabelText("Active account");
    expect(select).toHaveValue("");
    expect(screen.getByRole("option", { name: "Sandbox" })).toBeInTheDocument();
    expect(screen.getByRole("option", { name: "Head office" })).toBeInTheDocument();
    expect(screen.getByText(/nothing you change here reaches DeepCall/)).toBeInTheDocument();
  });

  it("navigates between Groups, Contacts and Accounts by their labels", async () => {
    backend();
    render(App);
    await screen.findByLabelText("Active account");
    const groups = screen.getByRole("button", { name: /^Groups/ });
    expect(groups).toHaveAttribute("aria-current", "page");
    await fireEvent.click(screen.getByRole("button", { name: /^Contacts/ }));
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Contacts");
    expect(groups).not.toHaveAttribute("aria-current");
    await fireEvent.click(screen.getByRole("button", { name: /^Accounts/ }));
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Accounts");
    expect(screen.getByRole("list", { name: "Accounts on this computer" })).toHaveTextContent(
      "Head office",
    );
  });

  it("welcomes a first-time user with the two choices", async () => {
    backend(noAccounts);
    render(App);
    expect(
      await screen.findByRole("heading", { level: 1, name: "Welcome to DeepCall Desk" }),
    ).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Try the Sandbox" }));
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Groups");
  });

  it("explains a missing keyring on the welcome screen, Sandbox still offered", async () => {
    backend({
      ...noAccounts,
      keyring: { problem: "NoProvider", message: "This computer has no keyring service running." },
    });
    render(App);
    const notice = await screen.findByTestId("keyring-notice");
    expect(notice).toHaveTextContent("No keyring on this computer");
    expect(notice).toHaveTextContent("The Sandbox works without a keyring.");
    expect(screen.getByRole("button", { name: "Try the Sandbox" })).toBeEnabled();
  });

  it("shows a plain error with Retry when the status cannot be read, and recovers", async () => {
    let calls = 0;
    mockIPC((cmd) => {
      if (cmd === "accounts_overview") return oneAccount;
      calls += 1;
      if (calls === 1) {
        throw {
          kind: "Timeout",
          message: "DeepCall did not answer within 30 seconds.",
          field: null,
          retryable: true,
        };
      }
      return sandboxStatus;
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("DeepCall is taking too long");
    await fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByLabelText("Active account")).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("never shows a raw string rejection from Tauri itself", async () => {
    mockIPC(() => {
      throw "app_status not allowed. Command not found";
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Something went wrong in DeepCall Desk");
    expect(alert).not.toHaveTextContent("not allowed");
  });
});
