import { baseConfigSchema, loadConfig } from "@crm/kit/edge";
import type { RegisteredService } from "@crm/registry";
import { z } from "zod";

const gatewaySettings = baseConfigSchema.extend({
  SERVICE_NAME: z.string().default("gateway"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  OPS_PORT: z.coerce.number().int().min(0).max(65535).default(9460),
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
});

export type GatewayConfig = z.output<typeof gatewaySettings> & {
  /** Where each registered service listens (host:port), by service name. */
  addresses: Record<string, string>;
};

/**
 * The gateway's settings and, for each registered service, its address from the variable the
 * registry names (CONTACTS_ADDRESS…), by default the service's local port. Every problem is
 * reported at once.
 */
export function loadGatewayConfig(services: RegisteredService[], env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const address = (service: RegisteredService) => z.string().regex(/^[^\s:]+:\d+$/, "must be host:port").default(`127.0.0.1:${service.grpcPort}`);
  const schema = gatewaySettings
    .extend(Object.fromEntries(services.map((service) => [service.addressEnv, address(service)])))
    .refine((config) => config.AUTH_JWT_SECRET || config.AUTH_JWKS_URL, {
      message: "set AUTH_JWKS_URL (production) or AUTH_JWT_SECRET (development)",
      path: ["AUTH_JWKS_URL"],
    });
  const config = loadConfig(schema, env) as z.output<typeof gatewaySettings> & Record<string, string>;
  return { ...config, addresses: Object.fromEntries(services.map((service) => [service.name, config[service.addressEnv]!])) };
}
