import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "../logger";
import type { Readiness } from "../readiness";
import { addReflection } from "./reflection";

const HEALTH_SERVICE = "grpc.health.v1.Health";
/**
 * A health "service" that answers SERVING for as long as the process serves gRPC at all, whatever
 * its dependencies: what a liveness probe asks (a restart cures a stuck process, not an outage of
 * MongoDB). "" and each service's name follow readiness instead.
 */
export const LIVENESS_HEALTH_SERVICE = "liveness";

export interface ServiceRegistration {
  /** Fully-qualified name, e.g. `crm.contacts.v1.ContactsService`. */
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

/**
 * A gRPC server with standard health (grpc.health.v1) and reflection, so that
 * grpc-health-probe and grpcurl work against it. Health follows the process's readiness:
 * NOT_SERVING while a dependency is down or the process drains; "liveness" stays SERVING.
 */
export class GrpcServer {
  private readonly health: HealthImplementation;
  private healthTimer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly services: ServiceRegistration[],
    private readonly log: Logger,
  ) {
    this.health = new HealthImplementation(
      Object.fromEntries([["", "NOT_SERVING"], [LIVENESS_HEALTH_SERVICE, "SERVING"], ...services.map((s) => [s.name, "NOT_SERVING"])]),
    );
    this.health.addToServer(server);
  }

  static create(services: ServiceRegistration[], log: Logger): GrpcServer {
    // No maximum connection age: grpc-js drops the streams in flight when it retires a
    // connection, and imports and segment streams run for many minutes.
    const server = new Server({ "grpc.keepalive_permit_without_calls": 1 });
    for (const service of services) server.addService(service.definition, service.implementation);
    addReflection(server, [...services.map((s) => s.name), HEALTH_SERVICE]);
    return new GrpcServer(server, services, log);
  }

  /** Binds and starts serving; returns the bound port (useful with port 0). */
  async listen(port: number, host = "0.0.0.0"): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
  }

  /** Mirrors readiness into gRPC health, now and every intervalMs. */
  followReadiness(readiness: Readiness, intervalMs = 2_000): void {
    const update = async () => {
      const { ready } = await readiness.evaluate();
      this.setServing(ready);
    };
    void update();
    this.healthTimer = setInterval(() => void update(), intervalMs);
    this.healthTimer.unref();
  }

  setServing(serving: boolean): void {
    const status = serving ? "SERVING" : "NOT_SERVING";
    this.health.setStatus("", status);
    for (const service of this.services) this.health.setStatus(service.name, status);
  }

  /**
   * Stops taking new calls, lets in-flight ones finish within graceMs, then cuts the rest.
   * A second call returns the drain already under way.
   */
  drain(graceMs: number): Promise<void> {
    this.draining ??= this.startDrain(graceMs);
    return this.draining;
  }

  private async startDrain(graceMs: number): Promise<void> {
    clearInterval(this.healthTimer);
    this.setServing(false);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn("gRPC calls still running after the grace period; forcing shutdown");
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
