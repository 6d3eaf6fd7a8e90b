import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_interactions, consumer group), and its own.
 */
const interactionsConfigSchema = () =>
  serviceConfigSchemaFor("interactions")
    .extend({
      /** How often a replica asks for the overdue scheduler's lease; the longest its holder sleeps between passes. */
      TASK_OVERDUE_POLL_MS: z.coerce.number().int().positive().default(1_000),
      /** How long the scheduler's lease lasts unless renewed: how soon another replica takes over from one that died. */
      TASK_OVERDUE_LEASE_MS: z.coerce.number().int().positive().default(15_000),
      /** Events a timeline consumer stores in one write, at most, when they arrive in a burst. */
      TIMELINE_BATCH: z.coerce.number().int().min(1).max(500).default(100),
    })
    .refine((config) => config.TASK_OVERDUE_POLL_MS * 3 <= config.TASK_OVERDUE_LEASE_MS, {
      path: ["TASK_OVERDUE_LEASE_MS"],
      message: "must be at least three times TASK_OVERDUE_POLL_MS, so that the holder renews it in time",
    });

export type InteractionsConfig = z.output<ReturnType<typeof interactionsConfigSchema>>;

export function loadInteractionsConfig(env: NodeJS.ProcessEnv = process.env): InteractionsConfig {
  return loadConfig(interactionsConfigSchema(), env);
}
