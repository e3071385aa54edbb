/**
 * The column choices as the mapping step's selects hold them, and the
 * `Mapping` Rust is asked with. Field names and labels come from Rust's
 * catalogue (`CONTACT_FIELDS`).
 */
import type { Column, ContactField, Mapping, Target } from "../../bindings";
import { FIELDS, specOf } from "../contacts/fields";

/** A select's value: "number", "field:<key>", "custom" or "notUsed". */
export type ChoiceValue = string;

/** One column's choice: the select's value, and the custom field's name
 * typed when it is "custom". */
export interface Choice {
  value: ChoiceValue;
  custom: string;
}

export const NUMBER = "number";
export const CUSTOM = "custom";
export const NOT_USED = "notUsed";

/** The select's options, in order: the number, each field, a custom field, not used. */
export const OPTIONS: readonly { value: ChoiceValue; label: string }[] = [
  { value: NUMBER, label: "Phone number" },
  ...FIELDS.map((f) => ({ value: `field:${f.key}`, label: f.label })),
  { value: CUSTOM, label: "Custom field…" },
  { value: NOT_USED, label: "Not used" },
];

/** The choice that shows `target`. */
export function choiceOf(target: Target): Choice {
  if (target.kind === "number") return { value: NUMBER, custom: "" };
  if (target.kind === "notUsed") return { value: NOT_USED, custom: "" };
  const field: ContactField = target.field;
  return specOf(field) ? { value: `field:${field}`, custom: "" } : { value: CUSTOM, custom: field };
}

/** What a choice asks of Rust. A custom field with no name yet is not used. */
export function targetOf(choice: Choice): Target {
  if (choice.value === NUMBER) return { kind: "number" };
  if (choice.value === CUSTOM) {
    const name = choice.custom.trim();
    return name ? { kind: "field", field: name } : { kind: "notUsed" };
  }
  if (choice.value.startsWith("field:")) return { kind: "field", field: choice.value.slice(6) };
  return { kind: "notUsed" };
}

export function mappingOf(headers: readonly string[], choices: readonly Choice[]): Mapping {
  const columns: Column[] = headers.map((header, i) => ({
    header,
    target: targetOf(choices[i] ?? { value: NOT_USED, custom: "" }),
  }));
  return { columns };
}
