/**
 * How the contact editor words its fields. The fields themselves (key,
 * label, kind, section, help) come from Rust's catalogue, `CONTACT_FIELDS`.
 */
import {
  CONTACT_FIELDS,
  type FieldChange,
  type FieldGroup,
  type FieldSpec_Serialize as FieldSpec,
  type FieldValue,
  type ValueKind,
} from "../../bindings";

/** Every documented field, in the editor's order (typed as Rust declares it). */
export const FIELDS: readonly FieldSpec[] = CONTACT_FIELDS;

/** A section's documented fields, in order. */
export function fieldsIn(group: FieldGroup): FieldSpec[] {
  return FIELDS.filter((f) => f.group === group);
}

const KNOWN = new Map<string, FieldSpec>(FIELDS.map((f) => [f.key, f]));

/** The documented field by DeepCall's name, if it is one. */
export function specOf(key: string): FieldSpec | undefined {
  return KNOWN.get(key);
}

/** `contactinfo`'s documented fields: anything else in `info` is the account's own. */
export function isCustomKey(key: string): boolean {
  const spec = KNOWN.get(key);
  return spec === undefined || (spec.group !== "details" && spec.group !== "custom");
}

/** "preferred_language" → "Preferred language". */
export function humanize(name: string): string {
  const words = name.replace(/_+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function labelFor(key: string): string {
  return KNOWN.get(key)?.label ?? humanize(key);
}

/** The help text under a field: its purpose, then DeepCall's own name. */
export function helpFor(key: string, help: string | null, kind: ValueKind): string {
  const api = `DeepCall field: ${key}`;
  const date = kind === "date" ? " (sent as dd-mm-yyyy)" : "";
  return help ? `${help} ${api}${date}.` : `${api}${date}.`;
}

/** The help under a documented field. */
export function specHelp(f: FieldSpec): string {
  return helpFor(f.key, f.help, f.kind);
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

/** What blacklisting does, in the words the blacklist warnings use, for
 * one contact or for `count` of them. */
export function blacklistWarning(count = 1): string {
  return count === 1
    ? "Blacklisting may stop all further communication with this customer: DeepCall can block calls to and from this number."
    : "Blacklisting may stop all further communication with these customers: DeepCall can block calls to and from their numbers.";
}
