import { callUnary, createLogger, EventBus, identityKey, serviceStream, signIdentity, uuidv7, type Identity } from "@crm/kit";
import { EventMeta, interactionsV1 } from "@crm/proto";
import { TEST_IDENTITY_KEY, startInProcess, testInfra, waitFor } from "@crm/testing";
import { startInteractions } from "../src/app";
import { loadInteractionsConfig } from "../src/config";
import { TIMELINE_SOURCES } from "../src/events/timeline-sources";

export { grpcError, testTenant as tenant, waitFor } from "@crm/testing";

export type TestService = Awaited<ReturnType<typeof startTestService>>;

/**
 * The service in this process on free ports, against the real FerretDB, NATS and Redis, with a
 * database of its own (or another instance's, `replicaOf`, as a second replica runs), and a gRPC
 * client to it (its consumers start at the events published from then on: the harness's
 * environment), asking for the overdue scheduler's lease every 100 ms.
 */
export async function startTestService(name: string, options: { replicaOf?: string; env?: Record<string, string> } = {}) {
  const env: Record<string, string> = { TASK_OVERDUE_POLL_MS: "100", TASK_OVERDUE_LEASE_MS: "1000", ...options.env };
  const harness = await startInProcess(name, (values) => startInteractions(loadInteractionsConfig(values)), interactionsV1.InteractionsServiceClient, { ...options, env });
  const group = env.CONSUMER_GROUP ?? harness.database;
  return {
    ...harness,
    /** Stops the service; its first instance also removes its durable consumers, which no later run reads. */
    async stop() {
      const { jsm } = harness.service.runtime.bus;
      const durables = options.replicaOf && !options.env?.CONSUMER_GROUP ? [] : await durablesOf(jsm, group);
      await harness.stop();
      const cleaner = await EventBus.connect(testInfra().natsUrl, "test-cleanup", createLogger("test-cleanup", "silent"));
      for (const { stream, name: durable } of durables) await cleaner.jsm.consumers.delete(stream, durable).catch(() => undefined);
      await cleaner.close();
    },
  };
}

async function durablesOf(jsm: EventBus["jsm"], group: string): Promise<Array<{ stream: string; name: string }>> {
  const found: Array<{ stream: string; name: string }> = [];
  // The streams it reads: every timeline source's (the erasure requests come on consent's, one of them).
  for (const stream of TIMELINE_SOURCES.map((source) => serviceStream(source.service).name)) {
    for await (const consumer of jsm.consumers.list(stream)) if (consumer.name.startsWith(`${group}-`)) found.push({ stream, name: consumer.name });
  }
  return found;
}

/** Call settings as the gateway sends them for this identity: its signed token and a deadline, no retries. */
export async function as(identity: Identity) {
  return { identityToken: await signIdentity(identity, identityKey(TEST_IDENTITY_KEY)), timeoutMs: 20_000, retry: false };
}

/** The calls of the service's API, for one harness. */
export function api(harness: TestService) {
  const { client } = harness;
  return {
    log: async (identity: Identity, interaction: Partial<interactionsV1.InteractionInput>, requestId = "") =>
      (await callUnary(client.createInteraction.bind(client), { interaction: interactionsV1.InteractionInput.fromPartial(interaction), requestId }, await as(identity))).interaction!,
    get: async (identity: Identity, id: string) => (await callUnary(client.getInteraction.bind(client), { id }, await as(identity))).interaction!,
    list: async (identity: Identity, request: Partial<interactionsV1.ListInteractionsRequest>) =>
      callUnary(client.listInteractions.bind(client), interactionsV1.ListInteractionsRequest.fromPartial(request), await as(identity)),
    update: async (identity: Identity, request: Partial<interactionsV1.UpdateInteractionRequest>) =>
      (await callUnary(client.updateInteraction.bind(client), interactionsV1.UpdateInteractionRequest.fromPartial(request), await as(identity))).interaction!,
    remove: async (identity: Identity, id: string, etag = "") => callUnary(client.deleteInteraction.bind(client), { id, etag }, await as(identity)),
    createTask: async (identity: Identity, task: Partial<interactionsV1.TaskInput>, requestId = "") =>
      (await callUnary(client.createTask.bind(client), { task: interactionsV1.TaskInput.fromPartial(task), requestId }, await as(identity))).task!,
    updateTask: async (identity: Identity, request: Partial<interactionsV1.UpdateTaskRequest>) =>
      (await callUnary(client.updateTask.bind(client), interactionsV1.UpdateTaskRequest.fromPartial(request), await as(identity))).task!,
    listTasks: async (identity: Identity, request: Partial<interactionsV1.ListTasksRequest>) =>
      callUnary(client.listTasks.bind(client), interactionsV1.ListTasksRequest.fromPartial(request), await as(identity)),
    timeline: async (identity: Identity, record: { type: string; id: string }, request: Partial<interactionsV1.ListTimelineRequest> = {}) =>
      callUnary(client.listTimeline.bind(client), interactionsV1.ListTimelineRequest.fromPartial({ ...request, record }), await as(identity)),
    engagement: async (identity: Identity, contactIds: string[]) => (await callUnary(client.getEngagement.bind(client), { contactIds }, await as(identity))).engagements,
  };
}

/** A note about some contacts, the smallest interaction. */
export const note = (contactIds: string[], fields: Partial<interactionsV1.InteractionInput> = {}): Partial<interactionsV1.InteractionInput> => ({
  contactIds,
  details: { $case: "note", note: {} },
  ...fields,
});

/** Publishes events as another service would (its stream, headers, Nats-Msg-Id), for the service's consumers. */
export class FakeProducer {
  private constructor(private readonly bus: EventBus) {}

  static async connect(): Promise<FakeProducer> {
    const bus = await EventBus.connect(testInfra().natsUrl, "fake-producer", createLogger("fake-producer", "silent"));
    return new FakeProducer(bus);
  }

  /**
   * Publishes one event. `eventId` is the payload's (meta); `messageId` the transport's, which
   * defaults to it: a different one plays the same event published again later, after
   * JetStream's de-duplication window.
   */
  async publish<M>(subject: string, message: { encode(m: M): { finish(): Uint8Array }; fromPartial(m: never): M }, tenantId: string, fields: object, options: { eventId?: string; occurredAt?: Date; messageId?: string } = {}): Promise<string> {
    const eventId = options.eventId ?? uuidv7();
    const meta = EventMeta.fromPartial({ eventId, tenantId, occurTime: options.occurredAt ?? new Date(), actor: "test" });
    const payload = message.encode(message.fromPartial({ ...fields, meta } as never)).finish();
    const stream = serviceStream(subject.split(".")[1]!);
    await this.bus.ensureStream(stream.name, stream.subjects);
    await this.bus.publish({ subject, type: "crm.events.v1 (published by a test)", tenantId, eventId: options.messageId ?? eventId, payload });
    return eventId;
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

/**
 * Polls a timeline until the probe accepts it. The consumers read streams that every suite
 * running beside this one publishes to, so under a full run on two cores they may lag for
 * seconds, or tens of them while another suite publishes ten thousand contacts; and an event
 * whose handling fails is retried after 0.5, 2, 10 and 30 s (the kit consumer's backoff). The
 * bound outlasts those retries (10, 20 and 45 s each ran out under full runs); the wait ends at
 * the answer, and the suites that wait several times give their tests four minutes.
 */
export async function timelineWhen(
  read: () => Promise<interactionsV1.ListTimelineResponse>,
  accept: (entries: interactionsV1.TimelineEntry[]) => boolean,
  timeoutMs = 90_000,
): Promise<interactionsV1.TimelineEntry[]> {
  return waitFor(async () => {
    const { entries } = await read();
    return accept(entries) ? entries : undefined;
  }, timeoutMs);
}
