export type Screen = "groups" | "contacts" | "accounts";

export interface ScreenInfo {
  id: Screen;
  label: string;
  hint: string;
}

export const SCREENS: ScreenInfo[] = [
  { id: "groups", label: "Groups", hint: "Who is in a group and who receives its calls" },
  { id: "contacts", label: "Contacts", hint: "A caller's record: VIP, blacklist, details" },
  { id: "accounts", label: "Accounts", hint: "Your DeepCall sign-ins on this computer" },
];

export function screenInfo(id: Screen): ScreenInfo {
  const found = SCREENS.find((s) => s.id === id);
  if (!found) throw new Error(`unknown screen ${id}`);
  return found;
}
