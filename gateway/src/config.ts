import { baseConfigSchema, loadConfig } from "@crm/kit";
import { z } from "zod";

export const gatewayConfigSchema = baseConfigSchema
  .extend({
    SERVICE_NAME: z.string().default("gateway"),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9460),
    CONTACTS_ADDRESS: z.string().min(1).default("127.0.0.1:50051"),
    /** Deadline of each call to a service. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    AUTH_JWT_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_ISSUER: z.string().optional(),
    AUTH_AUDIENCE: z.string().optional(),
    IDENTITY_SIGNING_KEY: z.string().min(32, "must be at least 32 characters"),
    /** Where the services' events are published: the read cache follows them to drop what they change. Without it, no cache. */
    NATS_URL: z.string().min(1).optional(),
    /** Single-resource reads kept by the gateway (0: none); each lives at most READ_CACHE_TTL_MS without an event. */
    READ_CACHE_ENTRIES: z.coerce.number().int().min(0).default(10_000),
    READ_CACHE_TTL_MS: z.coerce.number().int().positive().default(30_000),
  })
  .refine((config) => config.AUTH_JWT_SECRET || config.AUTH_JWKS_URL, {
    message: "set AUTH_JWKS_URL (production) or AUTH_JWT_SECRET (development)",
    path: ["AUTH_JWKS_URL"],
  });

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
