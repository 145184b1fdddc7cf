import { action, json, query } from "@solidjs/router";
import { dataApi } from "../../providers/api.tsx";
import { getSession } from "../session/session.data.ts";
import { formText } from "../../lib/form-text.ts";

export const getSessions = query(() => dataApi().session.list.query({ limit: 200 }), "sessions");

export function preloadSessions(): void {
  void getSessions();
}

export const createSession = action(async (form: FormData) => {
  const name = formText(form, "name").trim();
  if (!name) throw new Error("Give the session a name.");
  const session = await dataApi().session.create.mutate({ name });
  return json(session, { revalidate: getSessions.key });
}, "session.create");

export const archiveSession = action(async (id: string) => {
  const session = await dataApi().session.archive.mutate({ id });
  return json(session, { revalidate: [getSessions.key, getSession.keyFor(id)] });
}, "session.archive");

export const deleteSession = action(async (id: string) => {
  const result = await dataApi().session.delete.mutate({ id });
  return json(result, { revalidate: getSessions.key });
}, "session.delete");
