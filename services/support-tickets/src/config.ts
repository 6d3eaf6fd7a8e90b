import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import type { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_support_tickets, consumer group). Add this
 * service's own variables with `.extend({ NAME: z.… })` (docs/extending.md).
 */
const supportTicketsConfigSchema = () => serviceConfigSchemaFor("support-tickets");

export type SupportTicketsConfig = z.output<ReturnType<typeof supportTicketsConfigSchema>>;

export function loadSupportTicketsConfig(env: NodeJS.ProcessEnv = process.env): SupportTicketsConfig {
  return loadConfig(supportTicketsConfigSchema(), env);
}
