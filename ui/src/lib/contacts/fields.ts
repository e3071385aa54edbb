import type { FieldChange, FieldValue } from "../../bindings";

/** How a field is entered. */
export type FieldKind = "text" | "email" | "date" | "whole";

export interface FieldInfo {
  /** DeepCall's name for it (`contactinfo` or `other`). */
  key: string;
  /** The plain label a manager reads. */
  label: string;
  /** What the field is for; the API name is added after it. */
  help?: string;
  kind: FieldKind;
}

/** Details: `contactinfo`'s documented fields. */
export const DETAILS: FieldInfo[] = [
  { key: "name", label: "Name", help: "Letters, spaces and dots only.", kind: "text" },
  { key: "email", label: "Email", help: "For example name@example.com.", kind: "email" },
  { key: "dob", label: "Date of birth", kind: "date" },
  { key: "address", label: "Address", kind: "text" },
  { key: "company", label: "Company", kind: "text" },
  { key: "designation", label: "Job title", kind: "text" },
];

/** The two custom fields every account has. */
export const CUSTOM: FieldInfo[] = [
  {
    key: "custom_field_1",
    label: "Custom field 1",
    help: "What it holds depends on your account.",
    kind: "text",
  },
  {
    key: "custom_field_2",
    label: "Custom field 2",
    help: "What it holds depends on your account.",
    kind: "text",
  },
];

/** Dialling: `other`'s text fields. */
export const DIALLING: FieldInfo[] = [
  { key: "obd", label: "Outbound dialler status", kind: "text" },
  { key: "ibd", label: "Inbound dialler status", kind: "text" },
  { key: "pc", label: "Preview call status", kind: "text" },
  { key: "ctc", label: "Click-to-call status", kind: "text" },
  { key: "totalcalls", label: "Total calls", help: "A whole number, 0 or more.", kind: "whole" },
  {
    key: "source",
    label: "Source",
    help: "How the contact came in, as your account numbers it (for example 1 = added by hand).",
    kind: "whole",
  },
  { key: "lastcalltime", label: "Last call date", kind: "date" },
];

export const VIP: FieldInfo = {
  key: "vip",
  label: "VIP",
  help: "An important customer.",
  kind: "text",
};
export const BLACKLIST: FieldInfo = {
  key: "blacklist",
  label: "Blacklisted",
  help: "Blacklisting may stop all further communication with this customer.",
  kind: "text",
};
const SWITCHES = [VIP, BLACKLIST];

const KNOWN = new Map(
  [...DETAILS, ...CUSTOM, ...DIALLING, ...SWITCHES].map((f) => [f.key, f] as const),
);

/** Documented `contactinfo` fields: anything else in a form is a custom field. */
export const DOCUMENTED_INFO = new Set([...DETAILS, ...CUSTOM].map((f) => f.key));

/** "preferred_language" → "Preferred language". */
export function humanize(name: string): string {
  const words = name.replace(/_+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function labelFor(key: string): string {
  return KNOWN.get(key)?.label ?? humanize(key);
}

/** The help text under a field: its purpose, then DeepCall's own name. */
export function helpFor(key: string, help?: string): string {
  const api = `DeepCall field: ${key}`;
  const date = key === "dob" || key === "lastcalltime" ? " (sent as dd-mm-yyyy)" : "";
  return help ? `${help} ${api}${date}.` : `${api}${date}.`;
}

const two = (n: number) => String(n).padStart(2, "0");

/** A value as the manager reads it; dates as dd-mm-yyyy, as DeepCall writes them. */
export function valueText(v: FieldValue): string {
  switch (v.kind) {
    case "empty":
      return "(empty)";
    case "notKnown":
      return "(not known)";
    case "flag":
      return v.value ? "on" : "off";
    case "whole":
      return String(v.value);
    case "date":
      return `${two(v.value.day)}-${two(v.value.month)}-${String(v.value.year).padStart(4, "0")}`;
    case "text":
      return v.value;
  }
}

/** One line of the review: "VIP: off → on". */
export function changeLine(c: FieldChange): string {
  return `${labelFor(c.field)}: ${valueText(c.before)} → ${valueText(c.after)}`;
}

/** An element id for a custom field: its name, with no spaces (a server field may have them). */
export function customFieldId(name: string): string {
  return `contact-custom-${encodeURIComponent(name)}`;
}
