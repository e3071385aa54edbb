import { fireEvent, render, screen, within } from "@testing-library/svelte";
import { describe, expect, it, vi } from "vitest";
import { CONTACT_FIELDS, type FieldValue } from "../../bindings";
import { confirmModel } from "../confirm.svelte";
import ContactEditor from "./ContactEditor.svelte";
import { changeLine, customFieldId, helpFor, humanize, valueText } from "./fields";
import { recorded } from "./recorded";
import { emailChangedWith, lookup, recordedDesk } from "./test-support";

const desk = recordedDesk();

const text = (t: string): FieldValue => ({ kind: "text", value: t });
const flag = (b: boolean | null): FieldValue =>
  b === null ? { kind: "notKnown" } : { kind: "flag", value: b };

const saveButton = () => screen.getByRole("button", { name: "Save changes" });

describe("the contact editor", () => {
  it("renders Rust's field catalogue, section by section, in its order", () => {
    desk();
    render(ContactEditor, { lookup: lookup(), account: null });
    const sections = screen.getAllByRole("group");
    expect(sections.map((s) => s.querySelector("legend")?.textContent)).toEqual([
      "Details",
      "Custom fields",
      "Status",
      "Dialling",
    ]);
    const shown = sections.flatMap((s) =>
      Array.from(s.querySelectorAll("label, .switch-label"), (l) => l.textContent),
    );
    expect(shown.filter((l) => l !== "Add a field by name")).toEqual(
      CONTACT_FIELDS.map((f) => f.label),
    );
    for (const f of CONTACT_FIELDS) {
      const el =
        f.kind === "flag"
          ? screen.getByRole("switch", { name: f.label })
          : screen.getByLabelText(f.label);
      expect(el.id).toBe(`contact-${f.key}`);
      expect(el).toHaveAccessibleDescription(new RegExp(`DeepCall field: ${f.key}\\b`));
    }
    expect(screen.getByLabelText("Date of birth")).toHaveAttribute("type", "date");
    expect(screen.getByLabelText("Email")).toHaveAttribute("type", "email");
    expect(screen.getByLabelText("Total calls")).toHaveAttribute("inputmode", "numeric");
    expect(screen.getByLabelText("Last call date")).toHaveAccessibleDescription(
      "No date set DeepCall field: lastcalltime (sent as dd-mm-yyyy).",
    );
  });

  it("starts with the current values and nothing to save", async () => {
    desk();
    render(ContactEditor, { lookup: lookup(), account: null });
    expect(screen.getByLabelText("Name")).toHaveValue("Ravi Verma");
    expect(screen.getByLabelText("Total calls")).toHaveValue("12");
    expect(screen.getByRole("switch", { name: "Blacklisted" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    expect(
      await screen.findByText("No changes yet. Change a field above and it is listed here."),
    ).toBeInTheDocument();
    expect(saveButton()).toBeDisabled();
  });

  it("shows the Rust rule's message beside the field and keeps Save disabled", async () => {
    desk();
    render(ContactEditor, { lookup: lookup(), account: null });
    await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "nope" } });
    const problem = await screen.findByText("Enter an email address like name@example.com.");
    expect(screen.getByLabelText("Email").getAttribute("aria-describedby")).toContain(problem.id);
    expect(screen.getByLabelText("Email")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("fix-first")).toHaveTextContent("Fix the highlighted field to save.");
    expect(saveButton()).toBeDisabled();
  });

  it("after confirming, highlights the blacklist line and sends only on Save", async () => {
    const { calls } = desk();
    render(ContactEditor, { lookup: lookup(), account: null });
    await fireEvent.click(screen.getByRole("switch", { name: "Blacklisted" }));
    expect(confirmModel.current?.title).toBe("Blacklist Ravi Verma (9876543210)?");
    confirmModel.answer(true);
    const line = await screen.findByText(/Blacklisted: off → on/);
    expect(line.closest("li")).toHaveClass("danger");
    expect(line.closest("li")).toHaveTextContent("may stop all further communication");
    expect(screen.getByRole("switch", { name: "Blacklisted" })).toHaveTextContent("On");
    expect(calls.some((c) => c.cmd === "save_contact")).toBe(false);
    await vi.waitFor(() => expect(saveButton()).toBeEnabled());
    await fireEvent.click(saveButton());
    const saved = await screen.findByTestId("saved");
    expect(saved).toHaveTextContent("Saved to DeepCall for Ravi Verma (9876543210)");
    expect(saved).toHaveTextContent("Blacklisted: off → on");
    await vi.waitFor(() => expect(document.activeElement).toContainElement(saved));
  });

  it("a line Rust does not flag as blacklisting is not highlighted, whatever it says", async () => {
    desk(emailChangedWith({ field: "blacklist", before: text("on"), after: text("on ") }));
    render(ContactEditor, { lookup: lookup(), account: null });
    await fireEvent.input(screen.getByLabelText("Email"), { target: { value: "a@b.in" } });
    const line = await screen.findByText(/Blacklisted: on → on/);
    expect(line.closest("li")).not.toHaveClass("danger");
  });

  it("adds a field Rust accepts, focuses it, and offers to remove it", async () => {
    desk();
    render(ContactEditor, { lookup: lookup(), account: null });
    await fireEvent.input(screen.getByLabelText("Add a field by name"), {
      target: { value: "constructor" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Add field" }));
    const problem = await screen.findByText(/"constructor" is a reserved name/);
    expect(screen.getByLabelText("Add a field by name").getAttribute("aria-describedby")).toContain(
      problem.id,
    );
    expect(document.getElementById(customFieldId("constructor"))).toBeNull();

    await fireEvent.input(screen.getByLabelText("Add a field by name"), {
      target: { value: "preferred_language" },
    });
    await fireEvent.click(screen.getByRole("button", { name: "Add field" }));
    const added = await screen.findByLabelText("Preferred language");
    await vi.waitFor(() => expect(added).toHaveFocus());
    expect(added).toHaveAccessibleDescription(
      "A field your account defines. DeepCall field: preferred_language.",
    );
    await fireEvent.click(
      screen.getByRole("button", { name: "Remove the field Preferred language" }),
    );
    expect(screen.queryByLabelText("Preferred language")).toBeNull();
  });

  it("shows a server field whose name has a space, with an id without one", async () => {
    desk();
    render(ContactEditor, {
      account: null,
      lookup: lookup(recorded("server field with a space, unchanged").original),
    });
    const lead = screen.getByLabelText("Lead Source");
    expect(lead).toHaveValue("Trade fair");
    expect(lead.id).not.toMatch(/\s/);
    const custom = screen.getByRole("group", { name: "Custom fields" });
    expect(within(custom).queryByRole("button", { name: /Remove/ })).toBeNull();
  });

  it("an empty form says only the fields filled in will change", () => {
    desk();
    render(ContactEditor, {
      account: null,
      lookup: {
        ...lookup(),
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
    expect(changeLine({ field: "email", before: { kind: "empty" }, after: text("a@b.in") })).toBe(
      "Email: (empty) → a@b.in",
    );
    expect(changeLine({ field: "preferred_language", before: flag(null), after: text("x") })).toBe(
      "Preferred language: (not known) → x",
    );
    expect(valueText({ kind: "date", value: { day: 5, month: 11, year: 1990 } })).toBe(
      "05-11-1990",
    );
    expect(valueText({ kind: "whole", value: 0 })).toBe("0");
    expect(humanize("preferred_language")).toBe("Preferred language");
    expect(helpFor("dob", null, "date")).toBe("DeepCall field: dob (sent as dd-mm-yyyy).");
  });
});
