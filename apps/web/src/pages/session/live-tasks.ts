import { createAsync, revalidate } from "@solidjs/router";
import { createEffect, on, onMount } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Task } from "../../api/types.ts";
import { useConnection, useControlUpdates } from "../../providers/connection.tsx";
import { applyTaskUpdate, mergeFetchedTasks } from "../../state/tasks.ts";
import { getTasks } from "./session.data.ts";

/**
 * A session's tasks, live: `task.list`, then kept current from control updates (entity "task", on the page's one
 * control subscription) in a keyed store. The tasks board and the plans view read them. `loaded` is the list as read
 * (undefined while loading).
 */
export function createLiveTasks(sessionId: () => string) {
  const fetched = createAsync(() => getTasks(sessionId()));
  const [tasks, setTasks] = createStore<Task[]>([]);
  createEffect(() => {
    const list = fetched();
    if (list) setTasks(reconcile(mergeFetchedTasks(unwrap(tasks), list), { key: "id" }));
  });
  useControlUpdates((update) => {
    if (update.entity !== "task") return;
    const result = applyTaskUpdate(unwrap(tasks), update, sessionId());
    if (result.tasks !== unwrap(tasks)) setTasks(reconcile(result.tasks, { key: "id" }));
    if (result.refetch) void revalidate(getTasks.keyFor(sessionId()));
  });
  // The updates that went by while no view held this list (or the connection was lost) are missed, and the router
  // hands back its cached list on return: read it again when a view opens and after a reconnect.
  const connection = useConnection();
  const reread = () => void revalidate(getTasks.keyFor(sessionId()));
  onMount(reread);
  createEffect(on(connection.reconnects, reread, { defer: true }));
  return { tasks, loaded: fetched };
}
