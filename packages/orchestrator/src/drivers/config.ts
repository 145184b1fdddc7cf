/**
 * Every driver's own config schema, in one place for the API: `agent.create`'s `config` input is derived from
 * these (plus the runtime's `env` and `worktree`), so a setting a driver reads can be set, and only those.
 * Imports only the small config modules, never the drivers themselves (they load lazily).
 */
import { acpConfigSchema } from "./acp/profiles.ts";
import { claudeConfigSchema } from "./claude/config.ts";
import { shellConfigSchema } from "./shell/config.ts";

export const driverConfigSchemas = { claude: claudeConfigSchema, acp: acpConfigSchema, shell: shellConfigSchema } as const;

/** The union of all drivers' settings, each optional (which driver an agent gets is another field). */
export const driverConfigShape = {
  ...claudeConfigSchema.shape,
  ...acpConfigSchema.partial().shape,
  ...shellConfigSchema.shape,
};
