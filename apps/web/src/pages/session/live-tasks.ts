import { createAsync, revalidate } from "@solidjs/router";
import { createEffect } from "solid-js";
import { createStore, reconcile, unwrap } from "solid-js/store";
import type { Task } from "../../api/types.ts";
import { useControlUpdates } from "../../providers/connection.tsx";
import { applyTaskUpdate, mergeFetchedTasks } from "../../state/tasks.ts";
import { getTasks } from "./session.data.ts";

/**
 * A session's tasks, live: `task.list`, then kept current from control updates (entity "task") in a keyed store.
 * The tasks board and the plans view read them. `loaded` is the list as read (undefined while loading).
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
  return { tasks, loaded: fetched };
}
