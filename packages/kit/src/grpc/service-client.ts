import { Metadata, type CallOptions, type ChannelCredentials, type Client, type ClientOptions, type ServiceError } from "@grpc/grpc-js";
import { IDENTITY_METADATA_KEY, IdentitySigner, type Identity } from "../identity";
import { callUnary, createGrpcClient, type UnaryMethod } from "./client";

type ClientConstructor<C extends Client> = new (address: string, credentials: ChannelCredentials, options?: Partial<ClientOptions>) => C;
// Generated methods are overloaded; inference reads the last overload, (request, metadata, options, callback).
export type RequestOf<M> = M extends (request: infer Req, metadata: Metadata, options: Partial<CallOptions>, callback: infer _C) => unknown ? Req : never;
export type ResponseOf<M> = M extends (request: infer _R, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: infer Res) => void) => unknown ? Res : never;

export interface ServiceClientOptions<C> {
  /** Key that signs the identity forwarded to the service (the services verify it). */
  identityKey: Uint8Array;
  /** Deadline of each call, retries included. */
  timeoutMs: number;
  /** Methods that only read: retried on transient failures. Writes are retried only when a requestId makes a repeat harmless. */
  reads: ReadonlyArray<keyof C & string>;
}

/**
 * One caller's way to reach one service (a gateway client, or a service calling another): a
 * long-lived channel, a deadline on every call, the caller's identity signed into metadata, and
 * retries with backoff where a repeat is harmless. Streaming methods use `client` and `metadata`.
 */
export class ServiceClient<C extends Client> {
  readonly client: C;
  /** One signed identity per caller and period, not one per call. */
  private readonly identities: IdentitySigner;
  private readonly reads: ReadonlySet<string>;

  constructor(
    Ctor: ClientConstructor<C>,
    address: string,
    private readonly options: ServiceClientOptions<C>,
  ) {
    this.client = createGrpcClient(Ctor, address);
    this.identities = new IdentitySigner(options.identityKey);
    this.reads = new Set(options.reads);
  }

  /**
   * Calls a unary method by name, e.g. `call(identity, "getContact", { id })`; `timeoutMs`
   * shortens the deadline of this call (a composed answer waits less for each part).
   */
  async call<K extends keyof C & string>(identity: Identity, method: K, request: RequestOf<C[K]>, options: { timeoutMs?: number } = {}): Promise<ResponseOf<C[K]>> {
    const identityToken = await this.identities.sign(identity);
    const retry = this.reads.has(method) || Boolean((request as { requestId?: string }).requestId);
    const bound = (this.client[method] as unknown as UnaryMethod<RequestOf<C[K]>, ResponseOf<C[K]>>).bind(this.client);
    return callUnary(bound, request, { identityToken, timeoutMs: options.timeoutMs ?? this.options.timeoutMs, retry });
  }

  /** Metadata carrying the caller's signed identity, for streaming calls. */
  async metadata(identity: Identity): Promise<Metadata> {
    const metadata = new Metadata();
    metadata.set(IDENTITY_METADATA_KEY, await this.identities.sign(identity));
    return metadata;
  }

  close(): void {
    this.client.close();
  }
}
