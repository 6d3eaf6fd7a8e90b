import { callUnary } from "@crm/kit";
import { contactsV1 } from "@crm/proto";
import { csvOf, finished, getJob, upload } from "./import-support";
import { as, startTestService, tenant, waitFor } from "./support";

// Import jobs across replicas: one stops, another carries on; one crashes, another resumes it.
// This instance never polls for work, so that which replica runs a job is up to each test.
const { ImportEntity, ImportStatus } = contactsV1;
let harness: Awaited<ReturnType<typeof startTestService>>;
beforeAll(async () => {
  harness = await startTestService("import_jobs", { env: { IMPORT_POLL_MS: "3600000" } });
});
afterAll(() => harness.stop());

const replica = (name: string) => startTestService(name, { replicaOf: harness.database, env: { IMPORT_POLL_MS: "200" } });
const list = async (identity: ReturnType<typeof tenant>) =>
  (await callUnary(harness.client.listContacts.bind(harness.client), contactsV1.ListContactsRequest.fromPartial({ orderBy: [{ field: "familyName", descending: false }], page: { pageSize: 200 } }), await as(identity))).contacts;

describe("import jobs across replicas", () => {
  it("hands a running job to another replica when its worker stops, which carries on where it stood", async () => {
    const t = tenant("import_handoff");
    // Enough rows that the job is still running when its worker is told to stop.
    const ROWS = 3000;
    const first = await replica("import_first");
    try {
      const { job } = await callUnary(harness.client.createImportJob.bind(harness.client), { options: contactsV1.ImportOptions.fromPartial({ entity: ImportEntity.IMPORT_ENTITY_CONTACTS }) }, await as(t));
      await upload(first.client, t, job!.id, csvOf(ROWS));
      // The replica that took the upload runs the job; it stops once some rows are applied.
      for (let job_ = await getJob(harness.client, t, job!.id); Number(job_.rowsProcessed) === 0; job_ = await getJob(harness.client, t, job!.id)) await new Promise((r) => setTimeout(r, 10));
      await first.service.importWorker.stop();
      const stopped = await getJob(harness.client, t, job!.id);
      expect(stopped.status).toBe(ImportStatus.IMPORT_STATUS_QUEUED);
      expect(Number(stopped.rowsProcessed)).toBeLessThan(ROWS);
      // A fresh worker resumes the job from its checkpoint: every row applied exactly once.
      const resumed = await replica("import_resumed");
      try {
        expect(await finished(harness.client, t, job!.id)).toMatchObject({ status: ImportStatus.IMPORT_STATUS_COMPLETED, created: String(ROWS), skipped: "0", rowsProcessed: String(ROWS) });
      } finally {
        await resumed.stop();
      }
    } finally {
      await first.stop();
    }
  }, 60_000);

  it("resumes a job whose worker crashed, once its lease has run out", async () => {
    const t = tenant("import_crash");
    const { imports, importFiles } = harness.service.deps;
    const job = await imports.create(t.tenantId, { entity: "contacts", columnMapping: {}, dryRun: false, naturalKey: "email", onDuplicate: "skip", defaultPhoneRegion: "" }, "importer");
    await importFiles.append(t.tenantId, job._id, 0, Buffer.from(csvOf(30)));
    // As a crashed worker leaves it: running, 10 records applied, a lease nobody renews.
    await harness.service.models.importJob.updateOne(
      { _id: job._id, tenantId: t.tenantId },
      { $set: { status: "running", leaseOwner: "crashed", leaseUntil: new Date(Date.now() - 1_000), recordsRead: 10, rowsProcessed: 10, skipped: 10 } },
    );
    const worker = await replica("import_after_crash");
    try {
      expect(await finished(harness.client, t, job._id)).toMatchObject({ status: ImportStatus.IMPORT_STATUS_COMPLETED, created: "20", skipped: "10", rowsProcessed: "30" });
      expect((await list(t)).map((c) => c.familyName)).toEqual(Array.from({ length: 20 }, (_, i) => `Person${10 + i}`).sort());
    } finally {
      await worker.stop();
    }
  }, 60_000);

  it("fails a job whose upload stopped arriving, and removes what was stored of its file", async () => {
    const t = tenant("import_abandoned");
    const { imports, importFiles } = harness.service.deps;
    const job = await imports.create(t.tenantId, { entity: "contacts", columnMapping: {}, dryRun: false, naturalKey: "email", onDuplicate: "skip", defaultPhoneRegion: "" }, "importer");
    await imports.receive(t.tenantId, job._id);
    await importFiles.append(t.tenantId, job._id, 0, Buffer.from(csvOf(5)));
    // As a process that died while receiving leaves it: receiving, and untouched for long.
    await harness.service.models.importJob.updateOne({ _id: job._id, tenantId: t.tenantId }, { $set: { updatedAt: new Date(Date.now() - 3_600_000) } });
    const worker = await replica("import_after_abandon");
    try {
      expect(await finished(harness.client, t, job._id)).toMatchObject({ status: ImportStatus.IMPORT_STATUS_FAILED, failureReason: expect.stringMatching(/upload stopped arriving/) });
      // The worker fails the job first, then removes its chunks.
      const chunksLeft = () => harness.service.models.importFileChunk.countDocuments({ tenantId: t.tenantId });
      expect(await waitFor(async () => ((await chunksLeft()) === 0 ? 0 : undefined))).toBe(0);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});
