import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import type { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_interactions, consumer group). Add this
 * service's own variables with `.extend({ NAME: z.… })` (docs/extending.md).
 */
const interactionsConfigSchema = () => serviceConfigSchemaFor("interactions");

export type InteractionsConfig = z.output<ReturnType<typeof interactionsConfigSchema>>;

export function loadInteractionsConfig(env: NodeJS.ProcessEnv = process.env): InteractionsConfig {
  return loadConfig(interactionsConfigSchema(), env);
}
