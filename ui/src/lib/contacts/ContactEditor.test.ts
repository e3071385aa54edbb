import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChangeReview, ContactForm, ContactLookup } from "../../bindings";
import { confirmModel } from "../confirm.svelte";
import ContactEditor from "./ContactEditor.svelte";
import { changeLine, helpFor, humanize } from "./fields";

afterEach(() => clearMocks());

function form(): ContactForm {
  return {
    info: {
      name: "Ravi Verma",
      email: "ravi@example.in",
      dob: "1986-08-14",
      address: "",
      company: "",
      designation: "",
      custom_field_1: "",
      custom_field_2: "",
    },
    other: { obd: "", ibd: "", pc: "", ctc: "", totalcalls: "12", source: "1", lastcalltime: "" },
    vip: false,
    blacklist: false,
  };
}

const lookup: ContactLookup = {
  number: "9876543210",
  display: "9876543210",
  name: "Ravi Verma",
  form: form(),
  prefilled: true,
  note: null,
};

/** A stand-in for the Rust review: the blacklist and email, with the email rule. */
function fakeReview(o: ContactForm, e: ContactForm): ChangeReview {
  const r: ChangeReview = { changes: [], problems: {} };
  if (o.info.email !== e.info.email) {
    r.changes.push({ field: "email", before: o.info.email ?? "", after: e.info.email ?? "" });
    if (!(e.info.email ?? "").includes("@"))
      r.problems.email = "Enter an email address like name@example.com.";
  }
  if (o.blacklist !== e.blacklist)
    r.changes.push({
      field: "blacklist",
      before: o.blacklist ? "on" : "off",
      after: e.blacklist ? "on" : "off",
    });
  return r;
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function ipc(save: (args: Record<string, unknown>) => unknown = () => ({ changes: [] })) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const a = args as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (cmd === "check_contact_changes")
      return fakeReview(a.original as ContactForm, a.edited as ContactForm);
    if (cmd === "save_contact") return save(a);
    throw new Error(cmd);
  });
  return calls;
}

const saveButton = () => screen.getByRole("button", { name: "Save changes" });

describe("the contact editor", () => {
  it("starts with the current values and nothing to save", async () => {
    ipc();
    render(ContactEditor, { lookup });
    expect(screen.getByLabelText("Name")).toHaveValue("Ravi Verma");
    expect(screen.getByRole("switch", { name: "Blacklisted" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    expect(saveButton()).toBeDisabled();
  });

  it("shows the Rust rule's message beside the field and keeps Save disabled", async () => {
    ipc();
    render(ContactEditor, { lookup });
    await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "nope" } });
    const problem = await screen.findByText("Enter an email address like name@example.com.");
    expect(screen.getByLabelText("Email").getAttribute("aria-describedby")).toContain(problem.id);
    expect(saveButton()).toBeDisabled();
  });

  it("cancelling the blacklist warning leaves the switch off and sends nothing", async () => {
    const calls = ipc();
    render(ContactEditor, { lookup });
    await fireEvent.click(screen.getByRole("switch", { name: "Blacklisted" }));
    expect(confirmModel.current?.title).toBe("Blacklist Ravi Verma (9876543210)?");
    expect(confirmModel.current?.confirmLabel).toBe("Blacklist 9876543210");
    confirmModel.answer(false);
    await vi.waitFor(() => expect(confirmModel.current).toBeNull());
    expect(screen.getByRole("switch", { name: "Blacklisted" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    expect(calls.some((c) => c.cmd === "save_contact")).toBe(false);
  });

  it("after confirming, highlights the blacklist line and sends only on Save, confirmed", async () => {
    const calls = ipc(() => ({
      changes: [{ field: "blacklist", before: "off", after: "on" }],
    }));
    render(ContactEditor, { lookup });
    await fireEvent.click(screen.getByRole("switch", { name: "Blacklisted" }));
    confirmModel.answer(true);
    const line = await screen.findByText(/Blacklisted: off → on/);
    expect(line.closest("li")).toHaveClass("danger");
    expect(calls.some((c) => c.cmd === "save_contact")).toBe(false);
    await vi.waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    const saved = await screen.findByTestId("saved");
    expect(saved).toHaveTextContent("Blacklisted: off → on");
    const save = calls.filter((c) => c.cmd === "save_contact");
    expect(save).toHaveLength(1);
    expect(save[0]?.args).toMatchObject({
      number: "9876543210",
      blacklistConfirmed: true,
      edited: { blacklist: true },
    });
  });

  it("turning Blacklisted off needs no warning", async () => {
    ipc();
    render(ContactEditor, { lookup: { ...lookup, form: { ...form(), blacklist: true } } });
    await fireEvent.click(screen.getByRole("switch", { name: "Blacklisted" }));
    expect(confirmModel.current).toBeNull();
    expect(await screen.findByText("Blacklisted: on → off")).toBeInTheDocument();
  });

  it("on a DeepCall error keeps every typed value and says what happened", async () => {
    ipc(() => {
      throw {
        kind: "NotFound",
        message: "This number is not in your DeepCall directory.",
        field: null,
        retryable: false,
      };
    });
    render(ContactEditor, { lookup });
    await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "a@b.in" } });
    await vi.waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "This number is not in your DeepCall directory.",
    );
    expect(screen.getByLabelText("Email")).toHaveValue("a@b.in");
  });

  it("an empty form says only the fields filled in will change", () => {
    ipc();
    render(ContactEditor, {
      lookup: {
        ...lookup,
        name: null,
        prefilled: false,
        note: "Could not read. Only the fields you fill in will change.",
      },
    });
    expect(screen.getByTestId("empty-note")).toHaveTextContent(
      "Only the fields you fill in will change",
    );
  });
});

describe("field words", () => {
  it("labels plainly and keeps API names in the help", () => {
    expect(changeLine({ field: "vip", before: "off", after: "on" })).toBe("VIP: off → on");
    expect(changeLine({ field: "email", before: "(empty)", after: "a@b.in" })).toBe(
      "Email: (empty) → a@b.in",
    );
    expect(humanize("preferred_language")).toBe("Preferred language");
    expect(helpFor("dob")).toBe("DeepCall field: dob (sent as dd-mm-yyyy).");
  });
});
