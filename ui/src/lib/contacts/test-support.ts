/**
 * For tests of the contact editor and its model: the recorded contact
 * commands behind mocked IPC (`recorded.ts`), and the contact they open.
 */
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, expect } from "vitest";
import type { ChangeReview, ContactForm, ContactLookup, FieldChange } from "../../bindings";
import { mockContacts, recorded, type DeskOptions } from "./recorded";

/**
 * Call once at the top of a test file. Returns `desk`, which mocks the
 * contact commands for one test; after each test the mocks are cleared, and
 * the test fails if a form it sent had no recorded answer from Rust.
 */
export function recordedDesk(): typeof mockContacts {
  let unrecorded: string[] = [];
  afterEach(() => {
    clearMocks();
    // Every form sent had Rust's own answer.
    expect(unrecorded).toEqual([]);
    unrecorded = [];
  });
  return (...args) => {
    const d = mockContacts(...args);
    unrecorded = d.unrecorded;
    return d;
  };
}

/** Ravi Verma's contact as looked up, with `form` as its current values. */
export const lookup = (form: ContactForm = recorded("unchanged").original): ContactLookup => ({
  number: "9876543210",
  display: "9876543210",
  name: "Ravi Verma",
  form,
  prefilled: true,
  note: null,
});

/**
 * Answers of the test's own for `desk`: once the email is typed as a@b.in,
 * Rust's recorded review of that change with `change` added (and `more`);
 * saving changes nothing.
 */
export function emailChangedWith(
  change: FieldChange,
  more: Partial<ChangeReview> = {},
): DeskOptions {
  const email = recorded("email changed");
  return {
    review: (_o, e) =>
      e.info.email === "a@b.in"
        ? { ...email.review, changes: [...email.review.changes, change], ...more }
        : undefined,
    save: () => ({ changes: [] }),
  };
}
