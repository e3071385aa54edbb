import {
  commands,
  type AppError,
  type ChangeReview,
  type ContactForm,
  type ContactLookup,
  type FieldChange,
  type FieldSpec_Serialize as FieldSpec,
  type Purpose,
} from "../../bindings";
import { confirm } from "../confirm.svelte";
import { asAppError } from "../errors";
import { call } from "../ipc";
import { blacklistWarning, isCustomKey } from "./fields";

const clone = (f: ContactForm): ContactForm => JSON.parse(JSON.stringify(f));
const blank = (): ContactForm => ({ info: {}, other: {}, vip: null, blacklist: null });

/** The on/off fields of a form. */
export type FlagKey = "vip" | "blacklist";

/** Which of the form's maps holds a documented text field. */
export function mapOf(f: FieldSpec): "info" | "other" {
  return f.group === "dialling" ? "other" : "info";
}

/**
 * The contact editor's state and what it does: the form, Rust's review of
 * its changes, the blacklist warning, adding fields and saving. The
 * component only renders it and moves the focus.
 */
export class ContactEditorModel {
  /** The contact as it was looked up. */
  readonly start: ContactLookup;
  /** The account the contact was looked up on (`null`: the Sandbox): a
   * save goes to this account only. */
  readonly account: string | null;
  /** What saving is, for History: a change, or a revert or retry from it. */
  purpose: Purpose = "change";

  /** `from`: the edits to start with, and what saving them is (opened from History). */
  constructor(
    lookup: ContactLookup,
    account: string | null = null,
    from?: { edited: ContactForm; purpose: Purpose },
  ) {
    this.start = lookup;
    this.account = account;
    this.original = clone(lookup.form);
    this.form = clone(from?.edited ?? lookup.form);
    if (from) this.purpose = from.purpose;
  }

  /** What DeepCall holds, as far as this editor knows: the diff's base. */
  original = $state<ContactForm>(blank());
  form = $state<ContactForm>(blank());
  /** The manager accepted the blacklist warning for the switch's current "on". */
  blacklistConfirmed = $state(false);

  review = $state<ChangeReview>({ changes: [], problems: {}, blacklists: false });
  /** The form (as `fingerprint`) that `review` is about. */
  reviewed = $state("");
  saving = $state(false);
  error = $state<AppError | null>(null);
  /** Problems DeepCall Desk found on save for a field (kept until it changes). */
  saveProblems = $state<Record<string, string>>({});
  saved = $state<FieldChange[] | null>(null);
  #savedAt = "";
  newFieldName = $state("");
  newFieldProblem = $state<string | undefined>(undefined);
  #asked = 0;

  /** The contact in words: "Ravi Verma (9876543210)". */
  get who(): string {
    const { name, display } = this.start;
    return name ? `${name} (${display})` : display;
  }
  readonly fingerprint = $derived(JSON.stringify([this.original, this.form]));
  /** The account's own fields on the form, by name. */
  readonly customKeys = $derived(Object.keys(this.form.info).filter(isCustomKey).sort());
  readonly problems = $derived({ ...this.review.problems, ...this.saveProblems });
  readonly problemCount = $derived(Object.keys(this.problems).length);
  readonly upToDate = $derived(this.reviewed === this.fingerprint);
  readonly canSave = $derived(
    this.upToDate && !this.saving && this.review.changes.length > 0 && this.problemCount === 0,
  );

  /** Asks the Rust rules about the form as it is now (the component does
   * so on every change). A late answer about an older form is dropped. */
  async check(): Promise<void> {
    const fp = this.fingerprint;
    const seq = ++this.#asked;
    try {
      const r = await call(
        commands.checkContactChanges($state.snapshot(this.original), $state.snapshot(this.form)),
      );
      if (seq !== this.#asked) return;
      this.review = r;
      this.reviewed = fp;
      if (this.saved && fp !== this.#savedAt) this.saved = null;
    } catch (e) {
      if (seq === this.#asked) this.error = asAppError(e);
    }
  }

  /** A field changed: a problem found on save no longer applies to it. */
  edited(key: string) {
    if (key in this.saveProblems) {
      this.saveProblems = Object.fromEntries(
        Object.entries(this.saveProblems).filter(([k]) => k !== key),
      );
    }
  }

  /** The value of an on/off field, `null` when not known. */
  flag(key: FlagKey): boolean | null {
    return this.form[key] ?? null;
  }

  /** Turns an on/off field over; turning Blacklisted on asks first. */
  async toggle(key: FlagKey) {
    if (key === "blacklist") return this.#toggleBlacklist();
    this.form.vip = !this.form.vip;
    this.edited("vip");
  }

  /** The blacklist warning; `beforeSave` when Save asks for it. */
  #confirmBlacklist(beforeSave: boolean): Promise<boolean> {
    return confirm({
      title: `Blacklist ${this.who}?`,
      message:
        `${blacklistWarning()} ` +
        (beforeSave
          ? "Saving now sends this change with the others listed."
          : "Nothing is sent yet. The change is listed for you to review, and only Save sends it."),
      confirmLabel: `Blacklist ${this.start.display}`,
      danger: true,
    });
  }

  async #toggleBlacklist() {
    if (this.form.blacklist) {
      // Turning it off needs no warning.
      this.form.blacklist = false;
      this.blacklistConfirmed = false;
      this.edited("blacklist");
      return;
    }
    if (await this.#confirmBlacklist(false)) {
      this.form.blacklist = true;
      this.blacklistConfirmed = true;
      this.edited("blacklist");
    }
  }

  /** Adds the field named in `newFieldName` when Rust's rule accepts the
   * name; returns the name added, or `null` (with `newFieldProblem` saying why). */
  async addField(): Promise<string | null> {
    const name = this.newFieldName.trim();
    this.newFieldProblem = undefined;
    if (name !== "" && Object.hasOwn(this.form.info, name)) {
      this.newFieldProblem = `“${name}” is already on this form.`;
      return null;
    }
    // The name rule lives in Rust: ask it about the form with the field added
    // (as an own key, even for a name such as "__proto__").
    const probe = $state.snapshot(this.form);
    probe.info = Object.fromEntries([...Object.entries(probe.info), [name, ""]]);
    try {
      const r = await call(commands.checkContactChanges($state.snapshot(this.original), probe));
      const problem = Object.hasOwn(r.problems, name) ? r.problems[name] : undefined;
      if (problem) {
        this.newFieldProblem = problem;
        return null;
      }
    } catch (e) {
      this.error = asAppError(e);
      return null;
    }
    this.form.info = { ...this.form.info, [name]: "" };
    this.newFieldName = "";
    return name;
  }

  /** Whether a custom field was added here (not yet in DeepCall), so it may be removed. */
  isNew(key: string): boolean {
    return !Object.hasOwn(this.original.info, key);
  }

  removeField(key: string) {
    this.form.info = Object.fromEntries(Object.entries(this.form.info).filter(([k]) => k !== key));
    this.edited(key);
  }

  /** Sends the changes when they may be saved; the outcome is in `saved`
   * or `error`. Whether anything was sent. */
  async save(): Promise<boolean> {
    if (!this.canSave) return false;
    // Rust's review says whether this save blacklists the contact; the
    // manager must have accepted the warning for it.
    if (this.review.blacklists && !this.blacklistConfirmed) {
      if (!(await this.#confirmBlacklist(true))) return false;
      this.blacklistConfirmed = true;
    }
    this.saving = true;
    this.error = null;
    try {
      const saved = await call(
        commands.saveContact(
          this.account,
          this.start.number,
          $state.snapshot(this.original),
          $state.snapshot(this.form),
          this.blacklistConfirmed,
          this.purpose,
        ),
      );
      // A further save from here is a change of its own.
      this.purpose = "change";
      this.saved = saved.changes;
      this.original = clone($state.snapshot(this.form));
      this.blacklistConfirmed = false;
      this.#savedAt = JSON.stringify([this.original, this.form]);
    } catch (e) {
      const err = asAppError(e);
      if (err.kind === "InvalidInput" && err.field && err.field !== "contact") {
        this.saveProblems = { ...this.saveProblems, [err.field]: err.message };
      }
      this.error = err;
    } finally {
      this.saving = false;
    }
    return true;
  }
}
