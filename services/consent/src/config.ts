import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import { loadRegistry, type RegisteredService } from "@crm/registry";
import { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_consent, consumer group), its own settings,
 * and where every registered service listens (the variable its registry entry names, e.g.
 * CONTACTS_ADDRESS), to ask each for its part of an access request.
 */
const consentConfigSchema = (services: RegisteredService[]) =>
  serviceConfigSchemaFor("consent").extend({
    /** Ed25519 private key that signs receipts (PKCS#8, PEM or base64 DER); without it, a key kept in the database. */
    RECEIPT_SIGNING_KEY: z.string().min(1).optional(),
    /** How long a subject's consents and a tenant's suppression list stay in Redis without a change. */
    CONSENT_CACHE_TTL_SECONDS: z.coerce.number().int().positive().default(24 * 3600),
    /** How often the worker looks for subject requests due for a question. */
    SUBJECT_REQUEST_POLL_MS: z.coerce.number().int().positive().default(5_000),
    /** Wait before asking a service again that has not answered a request (doubling each time, at most an hour). */
    SUBJECT_REQUEST_REASK_MS: z.coerce.number().int().positive().default(60_000),
    /** Deadline of each question to another service. */
    PARTICIPANT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    /** Consent entries whose projection was left unfinished this long (a crash) are finished by the repair pass. */
    PROJECTION_REPAIR_AFTER_MS: z.coerce.number().int().positive().default(30_000),
    ...Object.fromEntries(services.map((service) => [service.addressEnv, z.string().regex(/^[^\s:]+:\d+$/, "must be host:port").default(`127.0.0.1:${service.grpcPort}`)])),
  });

export type ConsentConfig = z.output<ReturnType<typeof consentConfigSchema>> & {
  /** Every registered service's gRPC address, by name. */
  addresses: Record<string, string>;
};

export function loadConsentConfig(env: NodeJS.ProcessEnv = process.env): ConsentConfig {
  const { services } = loadRegistry();
  const config = loadConfig(consentConfigSchema(services), env);
  const values = config as unknown as Record<string, string>;
  return { ...config, addresses: Object.fromEntries(services.map((service) => [service.name, values[service.addressEnv]!])) };
}
