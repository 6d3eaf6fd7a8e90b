import { once } from "node:events";
import {
  type Metadata,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status as Status,
} from "@grpc/grpc-js";
import { kitMeter } from "../telemetry/metrics";
import { runAsCaller } from "../caller-scope";
import { IDENTITY_METADATA_KEY, IdentityVerifier, type Identity } from "../identity";
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
 * Wraps handlers as grpc-js methods (unary and streaming): verifies the forwarded identity, times the call
 * for RED metrics and translates every thrown error once. Handlers stay plain async functions.
 */
export function createRpcWrapper({ identityKey, log }: HandlerOptions) {
  const duration = kitMeter().createHistogram("rpc.server.duration", {
    description: "Duration of RPCs handled by this server",
    unit: "ms",
  });
  const verifier = new IdentityVerifier(identityKey);
  /** Verifies the caller, runs the work, records the outcome; resolves with the error to send, if any. */
  const run = async <T>(method: string, call: { metadata: Metadata; getDeadline(): Date | number }, work: (context: CallContext) => Promise<T>) => {
    const started = performance.now();
    try {
      const token = call.metadata.get(IDENTITY_METADATA_KEY)[0];
      const identity = await verifier.verify(typeof token === "string" ? token : "");
      const deadline = call.getDeadline();
      let callLog: Logger | undefined;
      const context: CallContext = {
        identity,
        deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline) : undefined,
        metadata: call.metadata,
        // Made when first used: most calls log nothing, and a child logger is not free.
        get log() {
          return (callLog ??= log.child({ rpc: method, tenant: identity.tenantId }));
        },
      };
      // The data access beneath the handler reads the caller's record restriction from here.
      const result = await runAsCaller(identity, () => work(context));
      duration.record(performance.now() - started, { "rpc.method": method, "rpc.grpc.status_code": Status.OK });
      return { ok: true as const, result };
    } catch (error) {
      const grpcError = error instanceof ClientGoneError ? { ...toGrpcError(error), code: Status.CANCELLED, details: error.message } : toGrpcError(error);
      if (grpcError.code === Status.INTERNAL) log.error({ err: error, rpc: method }, "unexpected error in handler");
      duration.record(performance.now() - started, { "rpc.method": method, "rpc.grpc.status_code": grpcError.code });
      return { ok: false as const, error: grpcError };
    }
  };

  function unary<Req, Res>(method: string, handler: UnaryHandler<Req, Res>) {
    return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>): void => {
      void run(method, call, (context) => handler(call.request, context)).then((outcome) =>
        outcome.ok ? callback(null, outcome.result) : callback(outcome.error),
      );
    };
  }

  /**
   * A server-streaming method: the handler sends with `send`, which waits while the client is
   * slow (backpressure) and throws once the client has gone away.
   */
  function serverStream<Req, Res>(method: string, handler: (request: Req, context: CallContext, send: (message: Res) => Promise<void>) => Promise<void>) {
    return (call: ServerWritableStream<Req, Res>): void => {
      let cancelled = false;
      const gone = new Promise<void>((resolve) =>
        call.once("cancelled", () => {
          cancelled = true;
          resolve();
        }),
      );
      const send = async (message: Res) => {
        if (cancelled) throw new ClientGoneError();
        // A slow client: wait until it reads, or until it goes away while we wait.
        if (!call.write(message)) await Promise.race([once(call, "drain"), gone]);
        if (cancelled) throw new ClientGoneError();
      };
      void run(method, call, (context) => handler(call.request, context, send)).then((outcome) => {
        if (cancelled) return;
        if (outcome.ok) call.end();
        else call.emit("error", outcome.error);
      });
    };
  }

  /**
   * A client-streaming method: the handler reads the messages as they arrive; reading throws
   * ClientGoneError once the client has cancelled (it would otherwise wait for ever).
   */
  function clientStream<Req, Res>(method: string, handler: (messages: AsyncIterable<Req>, context: CallContext) => Promise<Res>) {
    return (call: ServerReadableStream<Req, Res>, callback: sendUnaryData<Res>): void => {
      void run(method, call, (context) => handler(messagesOf(call), context)).then((outcome) =>
        outcome.ok ? callback(null, outcome.result) : callback(outcome.error),
      );
    };
  }

  return Object.assign(unary, { serverStream, clientStream });
}

/** The messages of a client stream; grpc-js ends the stream of a cancelled call as if it were complete. */
async function* messagesOf<Req>(call: ServerReadableStream<Req, unknown>): AsyncGenerator<Req> {
  for await (const message of call as AsyncIterable<Req>) yield message;
  if (call.cancelled) throw new ClientGoneError();
}

/** Thrown into a streaming handler when its client cancelled the call. */
export class ClientGoneError extends Error {
  constructor() {
    super("the client cancelled the call");
  }
}
