import path from "node:path";
import type { RegisteredService } from "@crm/registry";
import type { InvalidationSource } from "../cache/event-invalidation";
import type { ReadCache } from "../cache/read-cache";
import type { CustomerPart } from "../customer360/customer-part";
import type { ApiRegistry } from "../http/api-registry";

export interface ClientSettings {
  /** Signs the caller's identity forwarded to the service. */
  identityKey: Uint8Array;
  /** Deadline of each call to the service. */
  timeoutMs: number;
}

/** What the gateway shares with every service's routes. */
export interface RouteContext {
  /** Single-resource reads answered by the gateway, dropped by the events that change them. */
  readCache: ReadCache;
  /** How channel providers (e-mail, SMS) sign the webhooks they call (routes with `authentication: "signature"`). */
  providerWebhooks: ProviderWebhookSettings;
}

/** The shared secret of providers' signed webhooks (HMAC-SHA256) and how old a signed request may be. */
export interface ProviderWebhookSettings {
  secret?: string | undefined;
  toleranceSeconds: number;
}

/**
 * The gateway's part of one service, in the module its registry entry names
 * (`gatewayModule`, under gateway/src): a client to the service's address, its routes, and
 * the events that make its cached reads stale, when it has any.
 */
export interface GatewayService<C extends { close(): void }> {
  createClient(address: string, settings: ClientSettings): C;
  registerRoutes(api: ApiRegistry, client: C, context: RouteContext): void;
  invalidations?: InvalidationSource;
  /** The service's sections of the customer 360 (customer360/customer-part.ts), when it has any. */
  customerParts?: (client: C) => CustomerPart[];
}

/** A registered service's client, ready to register its routes. */
export interface ConnectedService {
  name: string;
  registerRoutes(api: ApiRegistry, context: RouteContext): void;
  invalidations?: InvalidationSource | undefined;
  customerParts: CustomerPart[];
  /** Resolves when the channel to the service is connected, rejects when it cannot connect within `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  close(): void;
}

/** Gives a gateway module its type; each module exports one as `gatewayService`. */
export function defineGatewayService<C extends { close(): void }>(service: GatewayService<C>): GatewayService<C> {
  return service;
}

/** Loads each registered service's gateway module and connects its client to the address given. */
export function connectServices(services: RegisteredService[], addresses: Record<string, string>, settings: ClientSettings): ConnectedService[] {
  return services.map((entry) => {
    const service = loadModule(entry);
    const client = service.createClient(addresses[entry.name] ?? `127.0.0.1:${entry.grpcPort}`, settings);
    return {
      name: entry.name,
      registerRoutes: (api, context) => service.registerRoutes(api, client, context),
      invalidations: service.invalidations,
      customerParts: service.customerParts?.(client) ?? [],
      ready: (timeoutMs) => channelReady(client, timeoutMs),
      close: () => client.close(),
    };
  });
}

function loadModule(entry: RegisteredService): GatewayService<{ close(): void }> {
  const file = path.join(__dirname, "..", entry.gatewayModule);
  // The registry names the module; it is compiled with the rest of the gateway (src -> dist).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module chosen by the registry at start-up
  const exported = (require(file) as { gatewayService?: Partial<GatewayService<{ close(): void }>> }).gatewayService;
  if (typeof exported?.createClient !== "function" || typeof exported.registerRoutes !== "function") {
    throw new Error(`gateway module ${entry.gatewayModule} (service ${entry.name}) does not export gatewayService = defineGatewayService({ createClient, registerRoutes })`);
  }
  return exported as GatewayService<{ close(): void }>;
}

/** Waits for a module's gRPC channel (its client's `client`, as ServiceClient has) to connect. */
function channelReady(client: { close(): void }, timeoutMs: number): Promise<void> {
  const grpc = (client as { client?: { waitForReady?(deadline: number, callback: (error?: Error) => void): void } }).client;
  if (!grpc?.waitForReady) return Promise.resolve();
  return new Promise((resolve, reject) => grpc.waitForReady!(Date.now() + timeoutMs, (error) => (error ? reject(new Error("not reachable")) : resolve())));
}
