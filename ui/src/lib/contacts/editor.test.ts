import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it, vi } from "vitest";
import type { ChangeReview, ContactForm } from "../../bindings";
import { confirmModel } from "../confirm.svelte";
import { ContactEditorModel } from "./editor.svelte";
import { recorded } from "./recorded";
import { emailChangedWith, lookup, recordedDesk } from "./test-support";

const desk = recordedDesk();

const editor = (form?: ContactForm) => new ContactEditorModel(lookup(form));

/** Edits the form as the manager would, then lets the model ask Rust, as the editor does on every change. */
async function edit(model: ContactEditorModel, change: (f: ContactForm) => void) {
  change(model.form);
  await model.check();
}

/** Answers the next blacklist warning once it is shown. */
async function answerWarning(ok: boolean) {
  await vi.waitFor(() => expect(confirmModel.current).not.toBeNull());
  confirmModel.answer(ok);
}

describe("the contact editor's model", () => {
  it("asks Rust about the form and may save only a change without problems", async () => {
    const { calls } = desk();
    const model = editor();
    await model.check();
    expect(calls.at(-1)).toEqual({
      cmd: "check_contact_changes",
      args: { original: recorded("unchanged").original, edited: recorded("unchanged").edited },
    });
    expect(model.canSave).toBe(false);

    await edit(model, (f) => (f.info.email = "nope"));
    expect(model.problems).toEqual(recorded("email typed wrong").review.problems);
    expect(model.problemCount).toBe(1);
    expect(model.canSave).toBe(false);

    await edit(model, (f) => (f.info.email = "a@b.in"));
    expect(model.problemCount).toBe(0);
    expect(model.canSave).toBe(true);

    // Typed again, and not yet asked about: not saveable until Rust answers.
    model.form.info.email = "nope";
    expect(model.canSave).toBe(false);
  });

  it("keeps the answer about the newest form when an older one comes late", async () => {
    const later: ((r: ChangeReview) => void)[] = [];
    mockIPC((cmd) => {
      if (cmd !== "check_contact_changes") throw new Error(cmd);
      return new Promise<ChangeReview>((resolve) => later.push(resolve));
    });
    const model = editor();
    model.form.info.email = "nope";
    const first = model.check();
    model.form.info.email = "a@b.in";
    const second = model.check();
    await vi.waitFor(() => expect(later).toHaveLength(2));
    later[1]?.(recorded("email changed").review);
    await second;
    later[0]?.(recorded("email typed wrong").review);
    await first;
    expect(model.review).toEqual(recorded("email changed").review);
    expect(model.canSave).toBe(true);
  });

  it("turning Blacklisted on asks first; cancelled, nothing changes", async () => {
    const { calls } = desk();
    const model = editor();
    const toggled = model.toggle("blacklist");
    await vi.waitFor(() =>
      expect(confirmModel.current?.title).toBe("Blacklist Ravi Verma (9876543210)?"),
    );
    expect(confirmModel.current?.confirmLabel).toBe("Blacklist 9876543210");
    confirmModel.answer(false);
    await toggled;
    expect(model.form.blacklist).toBe(false);
    expect(model.blacklistConfirmed).toBe(false);
    expect(calls).toEqual([]);
  });

  it("a confirmed blacklist is saved once, confirmed, and becomes the new base", async () => {
    const { calls } = desk();
    const model = editor();
    const toggled = model.toggle("blacklist");
    await answerWarning(true);
    await toggled;
    await model.check();
    expect(model.review).toEqual(recorded("blacklist on").review);
    expect(model.review.blacklists).toBe(true);

    // Already accepted: Save does not ask again.
    expect(await model.save()).toBe(true);
    expect(confirmModel.current).toBeNull();
    const saves = calls.filter((c) => c.cmd === "save_contact");
    expect(saves).toEqual([
      {
        cmd: "save_contact",
        args: {
          number: "9876543210",
          original: recorded("blacklist on").original,
          edited: recorded("blacklist on").edited,
          blacklistConfirmed: true,
          account: null,
          purpose: "change",
        },
      },
    ]);
    expect(model.saved).toEqual(recorded("blacklist on").review.changes);
    expect(model.blacklistConfirmed).toBe(false);
    await model.check();
    expect(model.review.changes).toEqual([]);
    expect(model.saved).not.toBeNull();
  });

  it("turning Blacklisted off needs no warning", async () => {
    desk();
    const model = editor(recorded("blacklisted, unchanged").original);
    await model.toggle("blacklist");
    expect(confirmModel.current).toBeNull();
    await model.check();
    expect(model.review).toEqual(recorded("blacklist off").review);
  });

  it("gates Save on Rust's blacklist fact, even when the switch was not touched", async () => {
    // Rust says this save blacklists the contact; the model never saw the
    // switch turned on. (An answer of the test's own: the gate must follow
    // whatever Rust says.)
    const { calls } = desk(
      emailChangedWith(
        { field: "blacklist", before: { kind: "notKnown" }, after: { kind: "flag", value: true } },
        { blacklists: true },
      ),
    );
    const model = editor();
    await edit(model, (f) => (f.info.email = "a@b.in"));
    expect(model.canSave).toBe(true);

    const cancelled = model.save();
    await answerWarning(false);
    expect(await cancelled).toBe(false);
    expect(calls.some((c) => c.cmd === "save_contact")).toBe(false);

    const accepted = model.save();
    await answerWarning(true);
    expect(await accepted).toBe(true);
    const saves = calls.filter((c) => c.cmd === "save_contact");
    expect(saves.map((c) => c.args.blacklistConfirmed)).toEqual([true]);
  });

  it("VIP turns over without a warning", async () => {
    desk();
    const model = editor();
    await model.toggle("vip");
    expect(confirmModel.current).toBeNull();
    await model.check();
    expect(model.review).toEqual(recorded("VIP on").review);
    expect(await model.save()).toBe(true);
    expect(model.saved).toEqual(recorded("VIP on").review.changes);
  });

  it("adds a field only when Rust accepts its name, asking with it as an own key", async () => {
    const { calls } = desk();
    const model = editor();
    for (const name of ["__proto__", "constructor"]) {
      model.newFieldName = name;
      expect(await model.addField()).toBeNull();
      expect(model.newFieldProblem).toBe(
        `"${name}" is a reserved name, so a field cannot be called that. Choose another name, for example preferred_language.`,
      );
      const probe = calls.at(-1)?.args.edited as ContactForm;
      expect(Object.hasOwn(probe.info, name)).toBe(true);
      expect(Object.hasOwn(model.form.info, name)).toBe(false);
    }

    model.newFieldName = " preferred_language ";
    expect(await model.addField()).toBe("preferred_language");
    expect(model.form.info.preferred_language).toBe("");
    expect(model.customKeys).toEqual(["preferred_language"]);
    expect(model.isNew("preferred_language")).toBe(true);
    expect(model.newFieldName).toBe("");

    model.newFieldName = "preferred_language";
    expect(await model.addField()).toBeNull();
    expect(model.newFieldProblem).toBe("“preferred_language” is already on this form.");

    model.removeField("preferred_language");
    expect(model.customKeys).toEqual([]);
  });

  it("lists the account's own fields, and saves another field beside one with a space", async () => {
    const { calls } = desk();
    const model = editor(recorded("server field with a space, unchanged").original);
    expect(model.customKeys).toEqual(["Lead Source"]);
    expect(model.isNew("Lead Source")).toBe(false);
    await edit(model, (f) => (f.info.email = "a@b.in"));
    expect(await model.save()).toBe(true);
    expect(model.saved).toEqual(
      recorded("server field with a space, email changed").review.changes,
    );
    expect(calls.filter((c) => c.cmd === "save_contact")).toHaveLength(1);
  });

  it("shows a problem found on save beside its field until the field changes", async () => {
    desk({
      save: () => {
        throw {
          kind: "InvalidInput",
          message: "DeepCall refused this email address.",
          field: "email",
          retryable: false,
        };
      },
    });
    const model = editor();
    await edit(model, (f) => (f.info.email = "a@b.in"));
    expect(await model.save()).toBe(true);
    expect(model.problems.email).toBe("DeepCall refused this email address.");
    expect(model.error?.kind).toBe("InvalidInput");
    expect(model.canSave).toBe(false);
    model.edited("email");
    expect(model.problems.email).toBeUndefined();
    expect(model.canSave).toBe(true);
  });

  it("on a DeepCall error keeps every typed value and says what happened", async () => {
    desk({
      save: () => {
        throw {
          kind: "NotFound",
          message: "This number is not in your DeepCall directory.",
          field: null,
          retryable: false,
        };
      },
    });
    const model = editor();
    await edit(model, (f) => (f.info.email = "a@b.in"));
    expect(await model.save()).toBe(true);
    expect(model.error?.message).toBe("This number is not in your DeepCall directory.");
    expect(model.form.info.email).toBe("a@b.in");
    expect(model.original.info.email).toBe("ravi@example.in");
    expect(model.saved).toBeNull();
  });
});
