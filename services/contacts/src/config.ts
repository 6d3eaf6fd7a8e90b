import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import { z } from "zod";

/** The kit's service environment (ports from the registry, database, consumer group, outbox) and the import's own. */
export function contactsConfigSchema() {
  return serviceConfigSchemaFor("contacts").extend({
    /** An import job whose worker saved no progress for this long is resumed by another worker. */
    IMPORT_LEASE_MS: z.coerce.number().int().positive().default(60_000),
    /** How often a replica looks for import jobs left by a worker that stopped. */
    IMPORT_POLL_MS: z.coerce.number().int().positive().default(5_000),
  });
}

export type ContactsConfig = z.output<ReturnType<typeof contactsConfigSchema>>;

export function loadContactsConfig(env: NodeJS.ProcessEnv = process.env): ContactsConfig {
  return loadConfig(contactsConfigSchema(), env);
}
