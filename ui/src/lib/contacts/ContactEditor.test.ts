import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChangeReview, ContactForm, ContactLookup, FieldValue } from "../../bindings";
import { confirmModel } from "../confirm.svelte";
import ContactEditor from "./ContactEditor.svelte";
import { BLACKLIST, changeLine, customFieldId, helpFor, humanize, valueText } from "./fields";

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

const text = (t: string | undefined): FieldValue =>
  t ? { kind: "text", value: t } : { kind: "empty" };
const flag = (b: boolean | null | undefined): FieldValue =>
  b == null ? { kind: "notKnown" } : { kind: "flag", value: b };

/** Names Rust reserves (a stand-in for its rule). */
const RESERVED = ["__proto__", "constructor", "prototype", "ssid", "token", "userid"];

/**
 * A stand-in for the Rust review: the blacklist and email, with the email
 * rule, and the reserved names for added fields.
 */
function fakeReview(o: ContactForm, e: ContactForm): ChangeReview {
  const r: ChangeReview = { changes: [], problems: {}, blacklists: false };
  if (o.info.email !== e.info.email) {
    r.changes.push({ field: "email", before: text(o.info.email), after: text(e.info.email) });
    if (!(e.info.email ?? "").includes("@"))
      r.problems.email = "Enter an email address like name@example.com.";
  }
  if (o.blacklist !== e.blacklist) {
    r.changes.push({ field: "blacklist", before: flag(o.blacklist), after: flag(e.blacklist) });
    r.blacklists = e.blacklist === true;
  }
  // Own keys, as JSON gives them (assigning `__proto__` would not make one).
  const reserved = Object.keys(e.info)
    .filter((k) => !Object.hasOwn(o.info, k) && RESERVED.includes(k.toLowerCase()))
    .map((k) => [k, `"${k}" is a reserved name, so a field cannot be called that.`] as const);
  r.problems = { ...r.problems, ...Object.fromEntries(reserved) };
  return r;
}

interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

function ipc(
  save: (args: Record<string, unknown>) => unknown = () => ({ changes: [] }),
  check: (o: ContactForm, e: ContactForm) => ChangeReview = fakeReview,
) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    // As over IPC: the arguments travel as JSON.
    const a = JSON.parse(JSON.stringify(args)) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    if (cmd === "check_contact_changes")
      return check(a.original as ContactForm, a.edited as ContactForm);
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
      changes: [{ field: "blacklist", before: flag(false), after: flag(true) }],
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

  it("gates Save on Rust's typed blacklist fact, whatever the words say", async () => {
    // Rust says this save blacklists (the switch's value was not known, so
    // no warning was seen), and the switch's label has been reworded.
    const label = BLACKLIST.label;
    BLACKLIST.label = "Blocked from calling";
    try {
      const calls = ipc(undefined, (o, e) => {
        const r = fakeReview(o, e);
        if (r.changes.length > 0) {
          r.changes.push({ field: "blacklist", before: flag(null), after: flag(true) });
          r.blacklists = true;
        }
        return r;
      });
      render(ContactEditor, { lookup });
      await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "a@b.in" } });
      const line = await screen.findByText(/Blocked from calling: \(not known\) → on/);
      expect(line.closest("li")).toHaveClass("danger");
      await vi.waitFor(() => expect(saveButton()).toBeEnabled());

      // Save asks first; cancelled, nothing is sent.
      await fireEvent.click(saveButton());
      await vi.waitFor(() =>
        expect(confirmModel.current?.title).toBe("Blacklist Ravi Verma (9876543210)?"),
      );
      confirmModel.answer(false);
      await vi.waitFor(() => expect(confirmModel.current).toBeNull());
      expect(calls.some((c) => c.cmd === "save_contact")).toBe(false);

      // Accepted, it is sent, confirmed.
      await fireEvent.click(saveButton());
      await vi.waitFor(() => expect(confirmModel.current).not.toBeNull());
      confirmModel.answer(true);
      await screen.findByTestId("saved");
      const save = calls.filter((c) => c.cmd === "save_contact");
      expect(save).toHaveLength(1);
      expect(save[0]?.args).toMatchObject({ blacklistConfirmed: true });
    } finally {
      BLACKLIST.label = label;
    }
  });

  it("a blacklist line Rust does not flag is neither highlighted nor gated", async () => {
    // Words that read like blacklisting, but the typed fact says otherwise.
    const calls = ipc(undefined, (o, e) => {
      const r = fakeReview(o, e);
      if (r.changes.length > 0)
        r.changes.push({ field: "blacklist", before: text("on"), after: text("on ") });
      return r;
    });
    render(ContactEditor, { lookup });
    await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "a@b.in" } });
    const line = await screen.findByText(/Blacklisted: on → on/);
    expect(line.closest("li")).not.toHaveClass("danger");
    await vi.waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    await screen.findByTestId("saved");
    expect(confirmModel.current).toBeNull();
    expect(calls.find((c) => c.cmd === "save_contact")?.args).toMatchObject({
      blacklistConfirmed: false,
    });
  });

  it("asks Rust about a reserved name as the field's own key, and shows its message", async () => {
    const calls = ipc();
    render(ContactEditor, { lookup });
    for (const name of ["__proto__", "constructor"]) {
      await fireEvent.input(screen.getByLabelText("Add a field by name"), {
        target: { value: name },
      });
      await fireEvent.click(screen.getByRole("button", { name: "Add field" }));
      expect(
        await screen.findByText(`"${name}" is a reserved name, so a field cannot be called that.`),
      ).toBeInTheDocument();
      const probe = calls.filter((c) => c.cmd === "check_contact_changes").at(-1);
      expect(Object.hasOwn((probe?.args.edited as ContactForm).info, name)).toBe(true);
    }
    expect(document.getElementById(customFieldId("constructor"))).toBeNull();
  });

  it("shows a server field whose name has a space, and saving another field works", async () => {
    const calls = ipc();
    const f = form();
    f.info["Lead Source"] = "Trade fair";
    render(ContactEditor, { lookup: { ...lookup, form: f } });
    const lead = screen.getByLabelText("Lead Source");
    expect(lead).toHaveValue("Trade fair");
    expect(lead.id).not.toMatch(/\s/);
    await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "a@b.in" } });
    await vi.waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    await screen.findByTestId("saved");
    expect(calls.some((c) => c.cmd === "save_contact")).toBe(true);
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
    expect(changeLine({ field: "vip", before: flag(false), after: flag(true) })).toBe(
      "VIP: off → on",
    );
    expect(changeLine({ field: "email", before: text(""), after: text("a@b.in") })).toBe(
      "Email: (empty) → a@b.in",
    );
    expect(valueText({ kind: "date", value: { day: 5, month: 11, year: 1990 } })).toBe(
      "05-11-1990",
    );
    expect(valueText({ kind: "whole", value: 0 })).toBe("0");
    expect(valueText(flag(null))).toBe("(not known)");
    expect(humanize("preferred_language")).toBe("Preferred language");
    expect(helpFor("dob")).toBe("DeepCall field: dob (sent as dd-mm-yyyy).");
  });
});
