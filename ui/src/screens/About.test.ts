import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import App from "../App.svelte";
import type { About } from "../bindings";
import { keptWords, keyringWords } from "../lib/about.svelte";
import { app } from "../lib/app.svelte";

const FOLDER = "/home/maya/.local/share/com.deepcalldesk.desk/logs";
const about: About = {
  logFolder: FOLDER,
  logDays: 7,
  keyring: "the Secret Service (GNOME Keyring or KWallet)",
  keyringProblem: null,
};

/** The commands the window sent, by name. */
let sent: string[] = [];

function backend(answers: { about?: About; open?: () => null } = {}) {
  mockIPC((cmd) => {
    sent.push(cmd);
    if (cmd === "app_status")
      return { version: "0.1.0", mode: "Sandbox", accountName: "Sandbox", host: "x" };
    if (cmd === "accounts_overview")
      return {
        accounts: [{ id: "a", name: "A", host: "h", signIn: { method: "sessionId" } }],
        activeId: null,
        keyring: null,
        note: null,
      };
    if (cmd === "about") return answers.about ?? about;
    if (cmd === "open_log_folder") return (answers.open ?? (() => null))();
    throw new Error(`unexpected command ${cmd}`);
  });
}

async function openAbout() {
  render(App);
  await screen.findByLabelText("Active account");
  await fireEvent.click(screen.getByRole("button", { name: "About & help" }));
  expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("About & help");
}

beforeEach(() => {
  sent = [];
  app.status = null;
  app.overview = null;
  app.screen = "groups";
});
afterEach(() => clearMocks());

describe("About & help", () => {
  it("shows the version, the keyring and where the log is, from the foot of the navigation", async () => {
    backend();
    await openAbout();
    expect(await screen.findByTestId("log-folder")).toHaveTextContent(FOLDER);
    expect(screen.getByTestId("about-version")).toHaveTextContent("0.1.0");
    expect(screen.getByText("the Secret Service (GNOME Keyring or KWallet)")).toBeInTheDocument();
    expect(screen.getByText(/kept in this keyring/)).toHaveTextContent("It is working.");
    expect(screen.getByText(/keeps the last 7 days/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "About & help" })).toHaveAttribute(
      "aria-current",
      "page",
    );
  });

  it("opens the log folder through its own command, naming no path", async () => {
    backend();
    await openAbout();
    await fireEvent.click(await screen.findByRole("button", { name: "Open the log folder" }));
    expect(sent.filter((c) => c === "open_log_folder")).toHaveLength(1);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says in plain words when the folder cannot be opened", async () => {
    backend({
      open: () => {
        throw {
          kind: "Internal",
          message: "This computer has no file manager that could open the log folder.",
          field: null,
          retryable: false,
        };
      },
    });
    await openAbout();
    await fireEvent.click(await screen.findByRole("button", { name: "Open the log folder" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("no file manager");
  });

  it("says when there is no log, and what is wrong with the keyring", async () => {
    const locked = { problem: "Locked" as const, message: "Your keyring is locked." };
    backend({ about: { ...about, logFolder: null, keyringProblem: locked } });
    await openAbout();
    expect(await screen.findByText(/could not write a log/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Open the log folder" })).not.toBeInTheDocument();
    expect(keyringWords({ ...about, keyringProblem: locked })).toMatch(
      /nowhere else\. Your keyring is locked\.$/,
    );
  });

  it("counts the days kept", () => {
    expect(keptWords(1)).toBe("the last day");
    expect(keptWords(7)).toBe("the last 7 days");
  });
});
