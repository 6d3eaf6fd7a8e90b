import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

// The one list of the platform's services. scripts/dev.sh starts each of them, the test harness
// (@crm/testing startPlatform) starts each with a database of its own, the gateway builds a client
// and routes for each, and each service takes its default ports from its entry. `pnpm new-service`
// appends entries; nothing else lists services.

const port = z.number().int().min(1024).max(65535);

const serviceSchema = z
  .object({
    /** Folder under services/, stream and subject segment (`crm.<name>.…`), Redis prefix. */
    name: z.string().regex(/^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/, "must be lower-case words joined by dashes"),
    grpcPort: port,
    opsPort: port,
    /** Variable that tells the gateway (and other callers) where the gRPC server listens, host:port. */
    addressEnv: z.string().regex(/^[A-Z][A-Z0-9_]*_ADDRESS$/, "must be an upper-case name ending in _ADDRESS"),
    /** Module of the gateway, relative to gateway/src, that makes the client and declares the routes. */
    gatewayModule: z.string().regex(/^modules\/[a-z0-9-]+$/, "must name a module under gateway/src/modules"),
  })
  .strict();

const registrySchema = z
  .object({
    gateway: z.object({ port, opsPort: port }).strict(),
    services: z.array(serviceSchema).min(1),
  })
  .strict()
  .superRefine((registry, ctx) => {
    const taken = new Map<number, string>([
      [registry.gateway.port, "gateway"],
      [registry.gateway.opsPort, "gateway (ops)"],
    ]);
    const names = new Set<string>();
    registry.services.forEach((service, index) => {
      if (names.has(service.name)) ctx.addIssue({ code: "custom", path: ["services", index, "name"], message: `${service.name} is registered twice` });
      names.add(service.name);
      for (const key of ["grpcPort", "opsPort"] as const) {
        const owner = taken.get(service[key]);
        if (owner) ctx.addIssue({ code: "custom", path: ["services", index, key], message: `port ${service[key]} is already ${owner}'s` });
        taken.set(service[key], service.name);
      }
    });
  });

export type RegisteredService = z.output<typeof serviceSchema>;
export type ServiceRegistry = z.output<typeof registrySchema>;

/** services.json beside this package's src/ and dist/. */
export const REGISTRY_FILE = path.join(__dirname, "..", "services.json");

/** Reads and checks the registry; a mistake in it fails with every problem named. */
export function loadRegistry(file = REGISTRY_FILE): ServiceRegistry {
  const parsed = registrySchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`${file} is invalid:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

/** The entry of one service; fails when it is not registered. */
export function registeredService(name: string, registry = loadRegistry()): RegisteredService {
  const service = registry.services.find((entry) => entry.name === name);
  if (!service) throw new Error(`service "${name}" is not registered in ${REGISTRY_FILE}`);
  return service;
}
