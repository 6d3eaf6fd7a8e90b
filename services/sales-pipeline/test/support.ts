import type { handleUnaryCall } from "@grpc/grpc-js";
import { callUnary, createLogger, EventBus, identityKey, signIdentity, uuidv7, type Identity } from "@crm/kit";
import { EventMeta, salesPipelineV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, startInProcess, testInfra } from "@crm/testing";
import { startSalesPipeline } from "../src/app";
import { loadSalesPipelineConfig } from "../src/config";

export { grpcError, testTenant as tenant, waitFor } from "@crm/testing";

export type TestService = Awaited<ReturnType<typeof startTestService>>;

/** Quick sweeps, so that what they finish is seen within a test. */
export const QUICK_SWEEPS = { SWEEP_INTERVAL_MS: "200", SWEEP_LEASE_MS: "1000", READ_MODEL_SETTLE_MS: "500" };

/**
 * The service in this process on free ports, against the real FerretDB, NATS and Redis, with a
 * database of its own and a gRPC client to it (its consumers start at the events published from
 * then on), with quick sweeps. On stop it also removes its durable consumers.
 */
export async function startTestService(name: string, env: Record<string, string> = {}) {
  const harness = await startInProcess(name, (values) => startSalesPipeline(loadSalesPipelineConfig(values)), salesPipelineV1.SalesPipelineServiceClient, { env: { ...QUICK_SWEEPS, ...env } });
  return {
    ...harness,
    async stop() {
      const { jsm } = harness.service.runtime.bus;
      const durables: Array<{ stream: string; name: string }> = [];
      for (const stream of ["CRM_CONTACTS", "CRM_INTERACTIONS", "CRM_CONSENT", "CRM_MARKETING_CAMPAIGN"]) {
        for await (const consumer of jsm.consumers.list(stream)) if (consumer.name.startsWith(`${harness.database}-`)) durables.push({ stream, name: consumer.name });
      }
      await harness.stop();
      const cleaner = await EventBus.connect(testInfra().natsUrl, "test-cleanup", createLogger("test-cleanup", "silent"));
      for (const { stream, name: durable } of durables) await cleaner.jsm.consumers.delete(stream, durable).catch(() => undefined);
      await cleaner.close();
    },
  };
}

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs: 20_000, retry: false };
}

type Client = salesPipelineV1.SalesPipelineServiceClient;
type Server = salesPipelineV1.SalesPipelineServiceServer;
type Method = keyof typeof salesPipelineV1.SalesPipelineServiceService & string;
type RequestOf<M extends Method> = Server[M] extends handleUnaryCall<infer Q, infer _R> ? Q : never;
type ResponseOf<M extends Method> = Server[M] extends handleUnaryCall<infer _Q, infer R> ? R : never;

/** Every method of the service, for one client: `api.createLead(identity, { lead: … })`. */
export function apiOf(client: Client) {
  const call =
    <M extends Method>(method: M) =>
    async (identity: Identity, request: DeepPartial<RequestOf<M>>): Promise<ResponseOf<M>> => {
      const bound = (client[method as keyof Client] as unknown as (...args: unknown[]) => unknown).bind(client);
      // The request message of each method is named after it: createLead -> CreateLeadRequest.
      const type = (salesPipelineV1 as unknown as Record<string, { fromPartial(value: unknown): unknown }>)[`${method[0]!.toUpperCase()}${method.slice(1)}Request`]!;
      return callUnary(bound as never, type.fromPartial(request) as never, await as(identity)) as Promise<ResponseOf<M>>;
    };
  return {
    createLead: call("createLead"),
    getLead: call("getLead"),
    listLeads: call("listLeads"),
    updateLead: call("updateLead"),
    listLeadScoreHistory: call("listLeadScoreHistory"),
    convertLead: call("convertLead"),
    getScoringRules: call("getScoringRules"),
    setScoringRules: call("setScoringRules"),
    createPipeline: call("createPipeline"),
    getPipeline: call("getPipeline"),
    listPipelines: call("listPipelines"),
    updatePipeline: call("updatePipeline"),
    createDeal: call("createDeal"),
    getDeal: call("getDeal"),
    listDeals: call("listDeals"),
    updateDeal: call("updateDeal"),
    getBoard: call("getBoard"),
    getForecast: call("getForecast"),
    getStageConversion: call("getStageConversion"),
    createProduct: call("createProduct"),
    getProduct: call("getProduct"),
    listProducts: call("listProducts"),
    updateProduct: call("updateProduct"),
    createOrder: call("createOrder"),
    getOrder: call("getOrder"),
    listOrders: call("listOrders"),
    changeOrderStatus: call("changeOrderStatus"),
    getCustomerValue: call("getCustomerValue"),
    listCustomerValues: call("listCustomerValues"),
  };
}

export type DeepPartial<T> = T extends Date ? T : T extends Array<infer E> ? Array<DeepPartial<E>> : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** A filter condition as the gateway parses `field[comparator]:value`. */
export function where(field: string, comparator: "eq" | "gte" | "in" | "lte", ...values: string[]) {
  const comparators = { eq: 1, in: 3, gte: 6, lte: 8 } as const;
  return { node: { $case: "condition" as const, condition: { field, comparator: comparators[comparator], values } } };
}

/** Publishes events as another service would (its stream, headers, Nats-Msg-Id), for the service's consumers. */
export class FakeProducer {
  private constructor(private readonly bus: EventBus) {}

  static async connect(): Promise<FakeProducer> {
    return new FakeProducer(await EventBus.connect(testInfra().natsUrl, "fake-producer", createLogger("fake-producer", "silent")));
  }

  async publish<M>(subject: string, message: { encode(m: M): { finish(): Uint8Array }; fromPartial(m: never): M }, tenantId: string, fields: object, options: { eventId?: string; occurredAt?: Date } = {}): Promise<string> {
    const eventId = options.eventId ?? uuidv7();
    const meta = EventMeta.fromPartial({ eventId, tenantId, occurTime: options.occurredAt ?? new Date(), actor: "test" });
    const payload = message.encode(message.fromPartial({ ...fields, meta } as never)).finish();
    const service = subject.split(".")[1]!;
    await this.bus.ensureStream(`CRM_${service.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`, [`crm.${service}.>`]);
    await this.bus.publish({ subject, type: "crm.events.v1 (published by a test)", tenantId, eventId, payload });
    return eventId;
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}
