import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";

const sandboxStatus = {
  version: "0.1.0",
  mode: "Sandbox",
  accountName: "Sandbox",
  host: "http://127.0.0.1:4000",
};

afterEach(() => clearMocks());

describe("the app frame", () => {
  it("marks Sandbox mode and the active account", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_status") return sandboxStatus;
      throw new Error(`unexpected command ${cmd}`);
    });
    render(App);
    expect(await screen.findByTestId("active-account")).toHaveTextContent("Sandbox");
    expect(screen.getByRole("status")).toHaveTextContent(
      "Sandbox — nothing you change here reaches DeepCall",
    );
  });

  it("navigates between Groups, Contacts and Accounts by their labels", async () => {
    mockIPC(() => sandboxStatus);
    render(App);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    expect(nav).toBeInTheDocument();
    const groups = screen.getByRole("button", { name: /^Groups/ });
    expect(groups).toHaveAttribute("aria-current", "page");
    await fireEvent.click(screen.getByRole("button", { name: /^Contacts/ }));
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Contacts");
    expect(screen.getByRole("button", { name: /^Contacts/ })).toHaveAttribute(
      "aria-current",
      "page",
    );
    expect(groups).not.toHaveAttribute("aria-current");
    await fireEvent.click(screen.getByRole("button", { name: /^Accounts/ }));
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Accounts");
    expect(screen.getByText("The built-in sandbox on this computer")).toBeInTheDocument();
  });

  it("shows a plain error with Retry when the status cannot be read, and recovers", async () => {
    let calls = 0;
    mockIPC(() => {
      calls += 1;
      if (calls === 1) {
        // What an AppError looks like when a command fails.
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
    expect(alert).toHaveTextContent("DeepCall did not answer within 30 seconds.");
    await fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("active-account")).toHaveTextContent("Sandbox");
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
