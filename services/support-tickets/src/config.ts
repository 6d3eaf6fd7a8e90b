import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import { registeredService } from "@crm/registry";
import { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_support_tickets, consumer group), and its own.
 */
const supportTicketsConfigSchema = () =>
  serviceConfigSchemaFor("support-tickets")
    .extend({
      /** Where the contacts service listens: requesters given by e-mail or phone are matched or created there. */
      CONTACTS_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, "must be host:port").default(`127.0.0.1:${registeredService("contacts").grpcPort}`),
      /** Deadline of each call to contacts. */
      CONTACTS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
      /** How often a replica asks for the SLA scheduler's lease; the longest its holder sleeps between passes. */
      SLA_POLL_MS: z.coerce.number().int().positive().default(1_000),
      /** How long the scheduler's lease lasts unless renewed: how soon another replica takes over from one that died. */
      SLA_LEASE_MS: z.coerce.number().int().positive().default(15_000),
      /** A target minute's length in ms: 60000; shorter only for tests under a short clock. */
      SLA_MINUTE_MS: z.coerce.number().int().positive().default(60_000),
      /** HMAC key of the signed one-time feedback links (at least 32 characters); without it, one derived from IDENTITY_SIGNING_KEY. */
      FEEDBACK_LINK_KEY: z.string().min(32, "must be at least 32 characters").optional(),
      /** How long a feedback link works. */
      FEEDBACK_LINK_TTL_HOURS: z.coerce.number().int().positive().max(24 * 365).default(14 * 24),
    })
    .refine((config) => config.SLA_POLL_MS * 3 <= config.SLA_LEASE_MS, {
      path: ["SLA_LEASE_MS"],
      message: "must be at least three times SLA_POLL_MS, so that the holder renews it in time",
    });

export type SupportTicketsConfig = z.output<ReturnType<typeof supportTicketsConfigSchema>>;

export function loadSupportTicketsConfig(env: NodeJS.ProcessEnv = process.env): SupportTicketsConfig {
  return loadConfig(supportTicketsConfigSchema(), env);
}
