// Small helpers every service test uses: a tenant of its own, the error a gRPC call failed with, polling.
import type { ServiceError } from "@grpc/grpc-js";
import { uniqueName } from "./infra";

/** A tenant of its own and a user in it, as the gateway would forward them (the kit's Identity). */
export function testTenant(name: string, roles = ["admin"]) {
  return { subject: `user-${name}`, tenantId: uniqueName(name), roles, scopes: [] as string[] };
}

/** The gRPC error a call failed with; fails the test when the call succeeded. */
export async function grpcError(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error("expected an error");
    },
    (error: ServiceError) => error,
  );
}

/** Polls until the probe answers something (events and relays are asynchronous). */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
