export type Screen =
  "groups" | "lineups" | "people" | "contacts" | "bulk" | "accounts" | "history" | "about";

export interface ScreenInfo {
  id: Screen;
  label: string;
  hint: string;
}

/** The main navigation. */
export const SCREENS: ScreenInfo[] = [
  { id: "groups", label: "Groups", hint: "Who is in a group and who receives its calls" },
  { id: "lineups", label: "Line-ups", hint: "Shifts: who receives calls, saved and scheduled" },
  { id: "people", label: "People", hint: "One agent across every group; on leave and back" },
  { id: "contacts", label: "Contacts", hint: "A caller's record: VIP, blacklist, details" },
  { id: "bulk", label: "Bulk update", hint: "Change many contacts at once from a CSV file" },
  { id: "accounts", label: "Accounts", hint: "Your DeepCall sign-ins on this computer" },
  { id: "history", label: "History", hint: "Every change sent from this computer" },
];

/** Reached from the foot of the navigation, beside the version. */
export const ABOUT: ScreenInfo = {
  id: "about",
  label: "About & help",
  hint: "Version, keyring, and the log for support",
};

export function screenInfo(id: Screen): ScreenInfo {
  const found = [...SCREENS, ABOUT].find((s) => s.id === id);
  if (!found) throw new Error(`unknown screen ${id}`);
  return found;
}
