import type { AgentConfig, AgentCreateInput, AgentDriver } from "../../api/types.ts";
import { formText } from "../../lib/form-text.ts";

/** What the new-agent form holds (FormData in the browser; a plain map in tests). */
export interface FormLike {
  get(name: string): FormDataEntryValue | null;
}

/** Reads the form into `agent.create`'s input; returns an error message for what the browser cannot check. */
export function agentInputFromForm(sessionId: string, form: FormLike): AgentCreateInput | string {
  const name = formText(form, "name").trim();
  if (!name) return "Give the agent a name.";
  const driver = formText(form, "driver", "claude") as AgentDriver;
  const config: AgentConfig = {};
  if (driver === "acp") {
    const profile = formText(form, "profile", "claude") as NonNullable<AgentConfig["profile"]>;
    config.profile = profile;
    if (profile === "custom") {
      const command = formText(form, "command").trim().split(/\s+/).filter(Boolean);
      if (command.length === 0) return "A custom ACP profile needs the agent's command line.";
      config.command = command;
    }
  }
  if (driver !== "shell") {
    const mode = formText(form, "permissionMode", "default") as NonNullable<AgentConfig["permissionMode"]>;
    if (mode !== "default") config.permissionMode = mode;
  }
  if (form.get("worktree") === "on") config.worktree = true;
  const model = formText(form, "model").trim();
  const usd = formText(form, "budgetUsd").trim();
  const tokens = formText(form, "budgetTokens").trim();
  const input: AgentCreateInput = { sessionId, name, driver };
  if (model) input.model = model;
  if (Object.keys(config).length > 0) input.config = config;
  if (usd) {
    const value = Number(usd);
    if (!(value > 0)) return "The USD budget must be a positive number.";
    input.budgetUsd = value;
  }
  if (tokens) {
    const value = Number(tokens);
    if (!Number.isInteger(value) || value <= 0) return "The token budget must be a positive whole number.";
    input.budgetTokens = value;
  }
  return input;
}

