import type { Member } from "../../bindings";

/** The value, or a failed test. */
export function must<T>(x: T | null | undefined): T {
  if (x === null || x === undefined) throw new Error("missing");
  return x;
}

/** A member as a group read lists them; `null`: not in the agent list. */
export const m = (agentId: number, name: string | null, receivesCalls: boolean): Member => ({
  agentId,
  name,
  inAgentList: name !== null,
  receivesCalls,
});
