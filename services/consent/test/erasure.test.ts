import { status as Status } from "@grpc/grpc-js";
import { uuidv7 } from "@crm/kit";
import { consentV1, eventsV1 } from "@crm/proto";
import { EventWatcher, freePort } from "@crm/testing";
import { loadRegistry } from "@crm/registry";
import { call, Channel, consentInput, createPurpose, grpcError, record, startTestService, tenant, waitFor, type ConsentHarness } from "./support";

// The erasure saga from the coordinator's side, on the real FerretDB, NATS and Redis. The
// service takes part itself, as every service does; the test plays the other registered
// services, confirming on their subjects as the kit's participant does.
let harness: ConsentHarness;
let requested: EventWatcher;
const others = loadRegistry().services.map((service) => service.name).filter((name) => name !== "consent");

beforeAll(async () => {
  const nowhere = `127.0.0.1:${await freePort()}`;
  const addresses = Object.fromEntries(loadRegistry().services.map((service) => [service.addressEnv, nowhere]));
  harness = await startTestService("erasure", addresses);
  requested = await EventWatcher.start("crm.consent.subject.erasure_requested");
});
afterAll(async () => {
  await requested?.stop();
  await harness?.stop();
});

const { SubjectRequestKind, SubjectRequestStatus } = consentV1;

async function confirm(tenantId: string, requestId: string, service: string, counts: { erased: number; anonymised: number }, deployment = harness.deployment) {
  const eventId = uuidv7();
  const payload = eventsV1.SubjectErasureCompleted.encode({
    meta: { eventId, tenantId, occurTime: new Date(), actor: `service:${service}` },
    requestId, service, erased: String(counts.erased), anonymised: String(counts.anonymised), deployment,
  }).finish();
  await harness.service.runtime.bus.publish({ subject: `crm.${service}.subject.erasure_completed`, type: "crm.events.v1.SubjectErasureCompleted", tenantId, eventId, payload });
}
const requestsFor = (requestId: string) => requested.seen((e) => eventsV1.SubjectErasureRequested.decode(e.payload).requestId === requestId);
const progress = async (identity: ReturnType<typeof tenant>, id: string) => (await call(harness, identity, "getSubjectRequest", { id })).request!;

describe("erasure requests", () => {
  it("asks every service, asks again those that have not confirmed, and issues a signed receipt once all have", async () => {
    const owner = tenant("erasure");
    const purpose = await createPurpose(harness, owner);
    const subjectId = uuidv7();
    await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, ipAddress: "203.0.113.9", userAgent: "Firefox" }));
    await call(harness, owner, "addSuppression", { suppression: { type: consentV1.SuppressionType.SUPPRESSION_TYPE_EMAIL, address: "eve@example.com", reason: "complaint" }, requestId: "" });

    const { request } = await call(harness, owner, "createSubjectRequest", {
      request: { kind: SubjectRequestKind.SUBJECT_REQUEST_KIND_ERASURE, subjectId, emails: ["Eve@Example.com"], phones: [] },
      requestId: "",
    });
    const id = request!.id;
    const first = await waitFor(async () => requestsFor(id)[0]);
    expect(eventsV1.SubjectErasureRequested.decode(first.payload)).toMatchObject({ contactId: subjectId, emails: ["eve@example.com"], deployment: harness.deployment });
    // This service erased its own part and confirmed, as a participant.
    await waitFor(async () => ((await progress(owner, id)).services.find((s) => s.service === "consent")?.done ? true : undefined));

    const [late, ...prompt] = others;
    for (const service of prompt) await confirm(owner.tenantId, id, service, { erased: 0, anonymised: service === "contacts" ? 2 : 0 });
    await confirm(owner.tenantId, id, late!, { erased: 9, anonymised: 9 }, "another-deployment");
    await waitFor(async () => ((await progress(owner, id)).services.filter((s) => s.done).length === others.length ? true : undefined));
    const waiting = await progress(owner, id);
    expect(waiting.status).toBe(SubjectRequestStatus.SUBJECT_REQUEST_STATUS_IN_PROGRESS);
    expect(waiting.services.filter((s) => !s.done).map((s) => s.service)).toEqual([late]);
    expect((await grpcError(call(harness, owner, "getSubjectRequestReceipt", { id }))).code).toBe(Status.ALREADY_EXISTS);

    // Asked again (the same request, a new event), as for a service that was down.
    await waitFor(async () => (requestsFor(id).length >= 2 ? true : undefined), 15_000);
    await confirm(owner.tenantId, id, late!, { erased: 1, anonymised: 3 });
    const done = await waitFor(async () => {
      const current = await progress(owner, id);
      return current.status === SubjectRequestStatus.SUBJECT_REQUEST_STATUS_COMPLETED ? current : undefined;
    });
    expect(done).toMatchObject({ subjectId: "", emails: [], phones: [] });

    const { receipt } = await call(harness, owner, "getSubjectRequestReceipt", { id });
    const content = JSON.parse(receipt!.receiptJson);
    expect(content).toMatchObject({ requestId: id, tenantId: owner.tenantId, kind: "erasure", subjectPseudonym: done.subjectPseudonym });
    expect(content.services.map((s: { service: string }) => s.service)).toEqual([...others, "consent"].sort());
    expect(content.services.find((s: { service: string }) => s.service === late)).toMatchObject({ erased: 1, anonymised: 3 });
    // Its own part: the current consent erased; the ledger entry and the suppressed address anonymised.
    expect(content.services.find((s: { service: string }) => s.service === "consent")).toMatchObject({ erased: 1, anonymised: 2 });
    expect(JSON.stringify(content)).not.toContain(subjectId);

    expect((await call(harness, owner, "verifyReceipt", { receipt })).requestId).toBe(id);
    const tampered = { ...receipt!, receiptJson: receipt!.receiptJson.replace('"anonymised":3', '"anonymised":0') };
    expect(tampered.receiptJson).not.toBe(receipt!.receiptJson);
    expect((await grpcError(call(harness, owner, "verifyReceipt", { receipt: tampered }))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await grpcError(call(harness, tenant("stranger"), "verifyReceipt", { receipt }))).code).toBe(Status.INVALID_ARGUMENT);
  }, 30_000);

  it("leaves the ledger a pseudonymous record: entries without personal data, still verifiable; consents gone; the address suppressed by its hash", async () => {
    const owner = tenant("ledger");
    const purpose = await createPurpose(harness, owner);
    const [subjectId, bystander] = [uuidv7(), uuidv7()];
    await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, ipAddress: "203.0.113.9" }), consentInput({ subjectId: bystander, purposeId: purpose.id }));
    await call(harness, owner, "addSuppression", { suppression: { type: consentV1.SuppressionType.SUPPRESSION_TYPE_PHONE, address: "+48 601 234 567", reason: "" }, requestId: "" });
    const check = async () =>
      (await call(harness, owner, "checkConsents", { purposeId: purpose.id, channel: Channel.CHANNEL_SMS, subjects: [{ subjectId, address: "" }, { subjectId: bystander, address: "0048601234567" }] })).reasons;
    expect(await check()).toEqual([consentV1.CheckReason.CHECK_REASON_NO_CONSENT, consentV1.CheckReason.CHECK_REASON_SUPPRESSED]);

    const { request } = await call(harness, owner, "createSubjectRequest", {
      request: { kind: SubjectRequestKind.SUBJECT_REQUEST_KIND_ERASURE, subjectId, emails: [], phones: ["+48601234567"] },
      requestId: "",
    });
    await waitFor(async () => ((await progress(owner, request!.id)).services.find((s) => s.service === "consent")?.done ? true : undefined));

    const entries = await harness.service.models.ledger.find({ tenantId: owner.tenantId }).sort({ seq: 1 }).lean();
    expect(entries.map((e) => [e.kind, e.subjectId, e.ipAddress, e.erasedBy])).toEqual([
      ["consent", undefined, undefined, request!.id],
      ["consent", bystander, "", undefined],
      ["erasure", undefined, undefined, undefined],
    ]);
    expect(entries[2]!.subjectPseudonym).toBe(request!.subjectPseudonym);
    expect(await call(harness, owner, "verifyLedger", {})).toMatchObject({ intact: true, entriesChecked: "3" });
    const { consents } = await call(harness, owner, "listConsents", consentV1.ListConsentsRequest.fromPartial({}));
    expect(consents.map((c) => c.subjectId)).toEqual([bystander]);
    const { suppressions } = await call(harness, owner, "listSuppressions", consentV1.ListSuppressionsRequest.fromPartial({}));
    expect(suppressions.map((s) => s.address)).toEqual([""]);
    expect(await check()).toEqual([consentV1.CheckReason.CHECK_REASON_NO_CONSENT, consentV1.CheckReason.CHECK_REASON_SUPPRESSED]);

    // Data removed without an erasure on record is a break.
    await harness.service.models.ledger.updateOne({ tenantId: owner.tenantId, _id: entries[1]!._id }, { $unset: { subjectId: "", personalSalt: "" }, $set: { erasedBy: uuidv7() } });
    expect((await call(harness, owner, "verifyLedger", {})).firstBreak).toMatchObject({ seq: "2", reason: expect.stringContaining("records no erasure") });
  });
});
