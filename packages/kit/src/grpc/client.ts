import {
  ChannelCredentials,
  Metadata,
  status as Status,
  type CallOptions,
  type Client,
  type ClientOptions,
  type ClientUnaryCall,
  type ServiceError,
} from "@grpc/grpc-js";
import { IDENTITY_METADATA_KEY } from "../identity";

type ClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => C;

/** One long-lived client per downstream service, with keepalive and client-side balancing. */
export function createGrpcClient<C extends Client>(Ctor: ClientConstructor<C>, address: string): C {
  return new Ctor(address, ChannelCredentials.createInsecure(), {
    "grpc.keepalive_time_ms": 30_000,
    "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  });
}

export type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

export interface CallSettings {
  /** Signed identity to forward (see identity.ts). */
  identityToken: string;
  /** Budget for the whole call, retries included. */
  timeoutMs: number;
  /** Retry transient failures. Only for reads and for writes made idempotent by a key. */
  retry: boolean;
  maxAttempts?: number;
}

const RETRYABLE = new Set([Status.UNAVAILABLE, Status.RESOURCE_EXHAUSTED, Status.ABORTED]);

/** Calls a unary method with a deadline, the forwarded identity and, for reads, retries. */
export async function callUnary<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  { identityToken, timeoutMs, retry, maxAttempts = 4 }: CallSettings,
): Promise<Res> {
  const deadline = Date.now() + timeoutMs;
  const metadata = new Metadata();
  metadata.set(IDENTITY_METADATA_KEY, identityToken);
  for (let attempt = 1; ; attempt++) {
    try {
      return await new Promise<Res>((resolve, reject) => {
        method(request, metadata, { deadline }, (error, response) => (error ? reject(error) : resolve(response)));
      });
    } catch (error) {
      const transient = RETRYABLE.has((error as ServiceError).code);
      const backoffMs = Math.min(1_000, 50 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (!retry || !transient || attempt >= maxAttempts || Date.now() + backoffMs >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs));
    }
  }
}
