import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import AccountForm from "./AccountForm.svelte";

afterEach(() => clearMocks());

async function fill(token: string) {
  await fireEvent.input(screen.getByLabelText("Account name"), {
    target: { value: "Head office" },
  });
  await fireEvent.input(screen.getByLabelText("User ID"), { target: { value: "29791451" } });
  await fireEvent.input(screen.getByLabelText("Token"), { target: { value: token } });
}

describe("the account form", () => {
  it("offers Save only after a successful check, and sends the secret once", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "check_connection") return { outcome: "Connected", message: "Connected." };
      if (cmd === "save_account")
        return {
          id: "a1",
          name: "Head office",
          host: "https://v4-api.deepcall.com",
          signIn: { method: "userToken", userId: "29791451" },
        };
      throw new Error(cmd);
    });
    const onsaved = vi.fn();
    render(AccountForm, { editing: null, onsaved, oncancel: () => {} });
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
    await fill("tok-123");
    await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
    await fireEvent.click(await screen.findByRole("button", { name: "Save" }));
    await vi.waitFor(() => expect(onsaved).toHaveBeenCalled());
    const save = calls.find((c) => c.cmd === "save_account");
    expect(save?.args).toMatchObject({
      draft: {
        name: "Head office",
        signIn: { method: "userToken", userId: "29791451" },
        secret: "tok-123",
      },
    });
  });

  it("after a failed check offers only an explicit Save anyway, keeping what was typed", async () => {
    mockIPC((cmd) => {
      if (cmd === "check_connection")
        return { outcome: "WrongCredentials", message: "Wrong credentials: check them." };
      throw new Error(cmd);
    });
    render(AccountForm, { editing: null, onsaved: () => {}, oncancel: () => {} });
    await fill("wrong");
    await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
    expect(await screen.findByTestId("check-result")).toHaveTextContent("Wrong credentials");
    expect(screen.queryByRole("button", { name: "Save" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Save anyway" })).toBeInTheDocument();
    expect(screen.getByLabelText("Account name")).toHaveValue("Head office");
    expect(screen.getByLabelText("Token")).toHaveValue("wrong");
    // Editing after a check asks for a new check.
    await fireEvent.input(screen.getByLabelText("Token"), { target: { value: "other" } });
    expect(screen.queryByRole("button", { name: "Save anyway" })).not.toBeInTheDocument();
  });

  it("shows only the fields the sign-in method needs, and field errors beside them", async () => {
    mockIPC((cmd) => {
      if (cmd === "check_connection")
        throw {
          kind: "InvalidInput",
          message: "Plain http:// is only allowed for this computer.",
          field: "host",
          retryable: false,
        };
      throw new Error(cmd);
    });
    render(AccountForm, { editing: null, onsaved: () => {}, oncancel: () => {} });
    await fireEvent.click(screen.getByLabelText("Session ID"));
    expect(screen.queryByLabelText("User ID")).not.toBeInTheDocument();
    expect(
      screen.getByLabelText("Session ID", { selector: "input[type=password]" }),
    ).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
    expect(await screen.findByText("Enter the session ID.")).toBeInTheDocument();
    await fireEvent.input(
      screen.getByLabelText("Session ID", { selector: "input[type=password]" }),
      {
        target: { value: "s-1" },
      },
    );
    await fireEvent.input(screen.getByLabelText("DeepCall address"), {
      target: { value: "http://deepcall.example" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
    expect(
      await screen.findByText("Plain http:// is only allowed for this computer."),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("DeepCall address")).toHaveAttribute("aria-invalid", "true");
  });

  describe("editing a saved account", () => {
    const saved = {
      id: "a1",
      name: "Head office",
      host: "https://v4-api.deepcall.com",
      signIn: { method: "userToken" as const, userId: "29791451" },
    };
    const tokenField = () => screen.getByLabelText("Token");

    /** What Rust says, by the arguments it was asked with (the rule itself
     * is Rust's, tested there); records every check. */
    function recordChecks(needed: (host: string, signIn: { method: string }) => string | null) {
      const checks: unknown[] = [];
      const asked: unknown[] = [];
      mockIPC((cmd, args) => {
        if (cmd === "check_connection") {
          checks.push(args);
          return { outcome: "Connected", message: "Connected." };
        }
        if (cmd === "secret_needed") {
          asked.push(args);
          const a = args as { host: string; signIn: { method: string } };
          return needed(a.host, a.signIn);
        }
        throw new Error(cmd);
      });
      return { checks, asked };
    }

    const ADDRESS_CHANGED =
      "The DeepCall address changed, so enter the token again: a saved token is only ever sent to the address it was saved for.";

    it("keeps the saved token while Rust says it may", async () => {
      const { checks, asked } = recordChecks(() => null);
      render(AccountForm, { editing: saved, onsaved: () => {}, oncancel: () => {} });
      expect(tokenField()).toHaveAccessibleDescription(/Leave this empty to keep it/);
      await fireEvent.input(screen.getByLabelText("DeepCall address"), {
        target: { value: " v4-api.deepcall.com/ " },
      });
      await vi.waitFor(() =>
        expect(asked).toContainEqual({
          id: "a1",
          host: " v4-api.deepcall.com/ ",
          signIn: { method: "userToken", userId: "29791451" },
        }),
      );
      expect(tokenField()).toHaveAccessibleDescription(/Leave this empty to keep it/);
      await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
      await vi.waitFor(() => expect(checks).toHaveLength(1));
      expect(checks[0]).toMatchObject({ draft: { id: "a1", secret: null } });
    });

    it("asks for the token again when Rust says so, before any check", async () => {
      const { checks } = recordChecks((host) => (host === saved.host ? null : ADDRESS_CHANGED));
      render(AccountForm, { editing: saved, onsaved: () => {}, oncancel: () => {} });
      await fireEvent.input(screen.getByLabelText("DeepCall address"), {
        target: { value: "http://127.0.0.1:8080" },
      });
      await vi.waitFor(() => expect(tokenField()).toHaveAccessibleDescription(ADDRESS_CHANGED));
      await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
      expect(await screen.findByText("Enter the token.")).toBeInTheDocument();
      expect(tokenField()).toHaveAttribute("aria-invalid", "true");
      expect(checks).toHaveLength(0);
      expect(screen.getByLabelText("DeepCall address")).toHaveValue("http://127.0.0.1:8080");
      // Typed again, the check goes ahead with it.
      await fireEvent.input(tokenField(), { target: { value: "tok-again" } });
      await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
      await vi.waitFor(() => expect(checks).toHaveLength(1));
      expect(checks[0]).toMatchObject({
        draft: { id: "a1", host: "http://127.0.0.1:8080", secret: "tok-again" },
      });
      // Back to the saved address: the saved token may be kept again.
      await fireEvent.input(screen.getByLabelText("DeepCall address"), {
        target: { value: saved.host },
      });
      await vi.waitFor(() =>
        expect(tokenField()).toHaveAccessibleDescription(/Leave this empty to keep it/),
      );
    });

    it("shows what Rust says for the latest sign-in method", async () => {
      const { checks } = recordChecks((_host, signIn) =>
        signIn.method === "sessionId" ? "Enter the session ID: the sign-in method changed." : null,
      );
      render(AccountForm, { editing: saved, onsaved: () => {}, oncancel: () => {} });
      await fireEvent.click(screen.getByLabelText("Session ID"));
      const ssid = screen.getByLabelText("Session ID", { selector: "input[type=password]" });
      await vi.waitFor(() =>
        expect(ssid).toHaveAccessibleDescription(
          "Enter the session ID: the sign-in method changed.",
        ),
      );
      await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
      expect(await screen.findByText("Enter the session ID.")).toBeInTheDocument();
      expect(checks).toHaveLength(0);
    });

    it("shows Rust's refusal beside the secret field, keeping what was typed", async () => {
      mockIPC((cmd) => {
        if (cmd === "check_connection")
          throw {
            kind: "InvalidInput",
            message: "The DeepCall address changed, so enter the token again.",
            field: "secret",
            retryable: false,
          };
        throw new Error(cmd);
      });
      render(AccountForm, { editing: saved, onsaved: () => {}, oncancel: () => {} });
      await fireEvent.input(screen.getByLabelText("Account name"), { target: { value: "HQ" } });
      await fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
      expect(
        await screen.findByText("The DeepCall address changed, so enter the token again."),
      ).toBeInTheDocument();
      expect(tokenField()).toHaveAttribute("aria-invalid", "true");
      expect(screen.getByLabelText("Account name")).toHaveValue("HQ");
    });
  });
});
