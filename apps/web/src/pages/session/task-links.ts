/** The timeline of one session filtered to one task's events (`?task=`), as task cards and graph nodes link it. */
export function taskEventsHref(sessionId: string, taskId: string): string {
  return `/sessions/${encodeURIComponent(sessionId)}?view=timeline&task=${encodeURIComponent(taskId)}`;
}
