import { createHash } from "node:crypto";
import { createLogger, createRpcWrapper, GrpcServer, identityKey, subjectDataService, uuidv7 } from "@crm/kit";
import { consentV1 } from "@crm/proto";
import { freePort, TEST_IDENTITY_KEY } from "@crm/testing";
import { loadRegistry } from "@crm/registry";
import { call, consentInput, createPurpose, record, startTestService, tenant, waitFor, type ConsentHarness } from "./support";

// Access requests from the coordinator's side, on the real FerretDB, NATS and Redis. Every other
// registered service is played by one stand-in server at a port where nothing answers at
// first, as when the services are down; it answers with the kit's participant, as they do.
let harness: ConsentHarness;
let port: number;
let standIn: GrpcServer | undefined;
const log = createLogger("access-test", "silent");

beforeAll(async () => {
  port = await freePort();
  const addresses = Object.fromEntries(loadRegistry().services.map((service) => [service.addressEnv, `127.0.0.1:${port}`]));
  harness = await startTestService("access", addresses);
});
afterAll(async () => {
  await standIn?.drain(100);
  await harness?.stop();
});

async function startStandIn(): Promise<void> {
  const rpc = createRpcWrapper({ identityKey: identityKey(TEST_IDENTITY_KEY), log });
  const exporter = async (request: { tenantId: string; contactId: string; requestId: string }) => ({
    data: { orders: [{ buyer: request.contactId, amount: 42 }], tenant: request.tenantId },
    records: 1,
  });
  standIn = GrpcServer.create([subjectDataService("stand-in", rpc, () => exporter)], log);
  await standIn.listen(port, "127.0.0.1");
}

const { SubjectRequestKind, SubjectRequestStatus } = consentV1;

describe("access requests", () => {
  it("asks every service for its part, again while some cannot answer, and delivers one export that the receipt vouches for", async () => {
    const owner = tenant("access");
    const purpose = await createPurpose(harness, owner);
    const subjectId = uuidv7();
    await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, ipAddress: "203.0.113.5" }));

    const { request } = await call(harness, owner, "createSubjectRequest", { request: { kind: SubjectRequestKind.SUBJECT_REQUEST_KIND_ACCESS, subjectId, emails: [], phones: [] }, requestId: "" });
    const id = request!.id;
    const progress = async () => (await call(harness, owner, "getSubjectRequest", { id })).request!;
    // Its own part at once; the others are down: asked, failed, to be asked again.
    const waiting = await waitFor(async () => {
      const current = await progress();
      return current.services.every((s) => s.service === "consent" || (s.asks > 0 && s.lastError)) ? current : undefined;
    });
    expect(waiting.status).toBe(SubjectRequestStatus.SUBJECT_REQUEST_STATUS_IN_PROGRESS);
    // Its current consent, the ledger entry behind it, and this request.
    expect(waiting.services.find((s) => s.service === "consent")).toMatchObject({ done: true, records: "3" });

    await startStandIn();
    const done = await waitFor(async () => {
      const current = await progress();
      return current.status === SubjectRequestStatus.SUBJECT_REQUEST_STATUS_COMPLETED ? current : undefined;
    }, 20_000);
    expect(done.services.map((s) => [s.service, s.done])).toEqual(loadRegistry().services.map((s) => [s.name, true]).sort());

    const { exportJson } = await call(harness, owner, "getSubjectAccessExport", { id });
    const exported = JSON.parse(exportJson);
    expect(Object.keys(exported.services).sort()).toEqual(loadRegistry().services.map((s) => s.name).sort());
    expect(exported.services.contacts).toEqual({ orders: [{ buyer: subjectId, amount: 42 }], tenant: owner.tenantId });
    expect(exported.services.consent.consents).toEqual([expect.objectContaining({ purposeId: purpose.id, purpose: "Newsletter", lawfulBasis: "consent", status: "granted" })]);
    expect(exported.services.consent.history).toEqual([expect.objectContaining({ action: "grant", ipAddress: "203.0.113.5" })]);

    const { receipt } = await call(harness, owner, "getSubjectRequestReceipt", { id });
    const content = JSON.parse(receipt!.receiptJson);
    expect(content).toMatchObject({ kind: "access", exportSha256: createHash("sha256").update(exportJson).digest("hex") });
    expect(content.services.find((s: { service: string }) => s.service === "contacts")).toMatchObject({ records: 1 });
    expect((await call(harness, owner, "verifyReceipt", { receipt })).requestId).toBe(id);
  }, 40_000);
});
