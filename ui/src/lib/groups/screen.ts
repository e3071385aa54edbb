import { ChangeQueue, type Ask, type SendChange } from "./change-queue.svelte";
import { OpenGroup, type GroupReads } from "./open-group.svelte";

/** The Groups screen's two models, wired to each other. */
export interface GroupsScreen {
  group: OpenGroup;
  changes: ChangeQueue;
}

/**
 * The open group and its change queue: the queue hears when the manager
 * moves to another group, and shows what DeepCall answers on the group on
 * screen. The commands and the confirm dialog are passed in.
 */
export function groupsScreen(reads: GroupReads, send: SendChange, ask: Ask): GroupsScreen {
  const group = new OpenGroup(reads, {
    leaving: () => changes.leaving(),
    opened: (id) => changes.opened(id),
  });
  const changes = new ChangeQueue(group, send, ask);
  return { group, changes };
}
