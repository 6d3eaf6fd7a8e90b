import { type Metadata, type ServerUnaryCall, type sendUnaryData, status as Status } from "@grpc/grpc-js";
import { kitMeter } from "../telemetry/metrics";
import { IDENTITY_METADATA_KEY, verifyIdentity, type Identity } from "../identity";
import type { Logger } from "../logger";
import { toGrpcError } from "./status";

/** What every handler receives beside its request. */
export interface CallContext {
  identity: Identity;
  /** The caller's deadline, to pass on to downstream calls. */
  deadline: Date | undefined;
  metadata: Metadata;
  log: Logger;
}

export type UnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res>;

export interface HandlerOptions {
  identityKey: Uint8Array;
  log: Logger;
}

/**
 * Wraps a handler as a grpc-js unary method: verifies the forwarded identity, times the call
 * for RED metrics and translates every thrown error once. Handlers stay plain async functions.
 */
export function createUnaryWrapper({ identityKey, log }: HandlerOptions) {
  const duration = kitMeter().createHistogram("rpc.server.duration", {
    description: "Duration of unary RPCs handled by this server",
    unit: "ms",
  });
  return function unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      const started = performance.now();
      const finish = (code: Status) =>
        duration.record(performance.now() - started, { "rpc.method": method, "rpc.grpc.status_code": code });
      void (async () => {
        const token = call.metadata.get(IDENTITY_METADATA_KEY)[0];
        const identity = await verifyIdentity(typeof token === "string" ? token : "", identityKey);
        const deadline = call.getDeadline();
        const context: CallContext = {
          identity,
          deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
          metadata: call.metadata,
          log: log.child({ rpc: method, tenant: identity.tenantId }),
        };
        return handler(call.request, context);
      })().then(
        (response) => {
          finish(Status.OK);
          callback(null, response);
        },
        (error: unknown) => {
          const grpcError = toGrpcError(error);
          if (grpcError.code === Status.INTERNAL) log.error({ err: error, rpc: method }, "unexpected error in handler");
          finish(grpcError.code);
          callback(grpcError);
        },
      );
    };
  };
}
