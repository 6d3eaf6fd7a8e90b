import { loadConfig, serviceConfigSchema } from "@crm/kit";
import { z } from "zod";

export const contactsConfigSchema = serviceConfigSchema.extend({
  SERVICE_NAME: z.string().default("contacts"),
  GRPC_PORT: z.coerce.number().int().min(0).max(65535).default(50051),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9461),
  MONGODB_DATABASE: z.string().min(1).default("crm_contacts"),
  /**
   * Prefix of this service's durable consumer names. Replicas of one deployment share it and
   * so share the work; a second deployment on the same NATS (or a test) needs its own.
   */
  CONSUMER_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/).default("contacts"),
  /** An import job whose worker saved no progress for this long is resumed by another worker. */
  IMPORT_LEASE_MS: z.coerce.number().int().positive().default(60_000),
  /** How often a replica looks for import jobs left by a worker that stopped. */
  IMPORT_POLL_MS: z.coerce.number().int().positive().default(5_000),
  /**
   * How often the outbox relay sweeps for events left behind by a crash or another replica (its
   * own failures it retries by itself). The sweep reads the outboxSince index, on FerretDB too
   * (scripts/patches): a few milliseconds when nothing is pending.
   */
  OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
});

export type ContactsConfig = z.output<typeof contactsConfigSchema>;

export function loadContactsConfig(env: NodeJS.ProcessEnv = process.env): ContactsConfig {
  return loadConfig(contactsConfigSchema, env);
}
