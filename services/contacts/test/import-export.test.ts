import { status as Status, type ServiceError } from "@grpc/grpc-js";
import { callUnary, connectRedis, fieldViolationsOf, RedisIdempotencyStore, type Identity } from "@crm/kit";
import { commonV1, contactsV1, eventsV1 } from "@crm/proto";
import { testInfra, uniqueName } from "@crm/testing";
import { parse } from "csv-parse/sync";
import { csvOf, finished, getJob, upload } from "./import-support";
import { as, metadataFor, contactInput, emails, grpcError, startTestService, tenant, waitFor } from "./support";

const { ImportEntity, DuplicatePolicy, ImportStatus } = contactsV1;
let harness: Awaited<ReturnType<typeof startTestService>>;
let client: contactsV1.ContactsServiceClient;
beforeAll(async () => {
  harness = await startTestService("imports");
  client = harness.client;
});
afterAll(() => harness.stop());

const options = (overrides: Partial<contactsV1.ImportOptions> = {}) =>
  contactsV1.ImportOptions.fromPartial({ entity: ImportEntity.IMPORT_ENTITY_CONTACTS, onDuplicate: DuplicatePolicy.DUPLICATE_POLICY_SKIP, ...overrides });

/** Creates a job, uploads the file and waits until the job has run. */
async function runImport(identity: Identity, csv: string, overrides: Partial<contactsV1.ImportOptions> = {}): Promise<contactsV1.ImportJob> {
  const { job } = await callUnary(client.createImportJob.bind(client), { options: options(overrides) }, await as(identity));
  expect(job?.status).toBe(ImportStatus.IMPORT_STATUS_AWAITING_FILE);
  expect((await upload(client, identity, job!.id, csv)).status).toBe(ImportStatus.IMPORT_STATUS_QUEUED);
  return finished(client, identity, job!.id);
}

const list = async (identity: Identity) =>
  (await callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial({ orderBy: [{ field: "familyName", descending: false }], page: { pageSize: 200 } }), await as(identity))).contacts;

const FILE = [
  "First name,Last name,E-mail,Mobile,Country,Tags,Ignored",
  "Ada,Lovelace,ADA@example.com,020 7946 0958,GB,vip;board,x",
  "Grace,Hopper,grace@example.com,,US,,x",
  "Bad,Email,not-an-email,,GB,,x",
  "Bad,Phone,phone@example.com,12,GB,,x",
  '"Quoted, Name",Smith,smith@example.com,,gb,,x',
  "Ada,Again,ada@example.com,,GB,,x",
  ",,,,,,",
  "Alan,Turing,,,,,x",
].join("\n");
const MAPPING = { "First name": "givenName", "Last name": "familyName", "E-mail": "email", Mobile: "phone", Country: "country", Tags: "tags" };

describe("CSV import", () => {
  it("imports good rows, reports bad rows by number and field, and upserts on the natural key", async () => {
    const t = tenant("import");
    const job = await runImport(t, FILE, { columnMapping: MAPPING });
    expect(job).toMatchObject({ status: ImportStatus.IMPORT_STATUS_COMPLETED, rowsProcessed: "7", created: "3", skipped: "1", failed: "3" });
    expect(job.errors).toEqual([
      { row: "3", field: "emails[0].address", message: "is not a valid e-mail address" },
      { row: "4", field: "phones[0].number", message: "is not a valid phone number" },
      { row: "8", field: "email", message: expect.stringContaining("natural key (email) is empty") },
    ]);
    const stored = await list(t);
    expect(stored.map((c) => c.familyName)).toEqual(["Hopper", "Lovelace", "Smith"]);
    expect(stored[1]).toMatchObject({ emails: [expect.objectContaining({ address: "ada@example.com" })], phones: [expect.objectContaining({ number: "+442079460958" })], tags: ["vip", "board"] });
    expect(stored[2]!.givenName).toBe("Quoted, Name");

    // The same file again with update: the natural key finds each record; blank cells keep stored values.
    const again = await runImport(t, "email,title,tags\nada@example.com,Countess,\ngrace@example.com,Rear Admiral,navy\n", { onDuplicate: DuplicatePolicy.DUPLICATE_POLICY_UPDATE });
    expect(again).toMatchObject({ created: "0", updated: "2", failed: "0" });
    const updated = await list(t);
    expect(updated.find((c) => c.familyName === "Lovelace")).toMatchObject({ title: "Countess", tags: ["vip", "board"] });
    expect(updated.find((c) => c.familyName === "Hopper")).toMatchObject({ title: "Rear Admiral", tags: ["navy"] });
  });

  it("never creates what a create would refuse, and writes nothing in a dry run", async () => {
    const t = tenant("import_rules");
    await callUnary(client.createContact.bind(client), { contact: contactInput({ givenName: "Ada", familyName: "Lovelace", emails: emails("ada@example.com"), phones: [{ number: "+442079460958", type: "", primary: true }] }), requestId: "", allowDuplicates: false }, await as(t));
    // Natural key external_id: no match, but the phone belongs to Ada, so a create would answer 409.
    const refused = await runImport(t, "externalId,givenName,phone\nx-1,Augusta,+44 20 7946 0958\nx-2,Charles,\n", { naturalKey: "external_id" });
    expect(refused).toMatchObject({ created: "1", failed: "1" });
    expect(refused.errors[0]).toMatchObject({ row: "1", message: expect.stringContaining("look like the same person") });

    // A row linking an organisation that does not exist is refused, as a create would refuse it.
    const unlinked = await runImport(t, "email,givenName,organizationId\nlinked@example.com,Lin,0190a0a0-0000-7000-8000-000000000009\n");
    expect(unlinked).toMatchObject({ created: "0", failed: "1", errors: [{ row: "1", field: "organizations", message: "names an organisation that does not exist" }] });

    const before = await list(t);
    const dry = await runImport(t, "email,givenName\nnew@example.com,New\nada@example.com,Ada\n", { dryRun: true, onDuplicate: DuplicatePolicy.DUPLICATE_POLICY_UPDATE });
    expect(dry).toMatchObject({ status: ImportStatus.IMPORT_STATUS_COMPLETED, created: "1", updated: "1" });
    expect(await list(t)).toEqual(before);
  });

  it("decides the rows of one batch as creates made one after another", async () => {
    const t = tenant("import_in_batch");
    // Rows 2 and 3 share row 1's phone; row 4 repeats row 1's external id. All go in one batch.
    const file = "email,givenName,familyName,phone,externalId\nann@example.com,Ann,Lee,+48 22 123 45 67,e-1\nann.lee@example.com,Ann,Lee,+48 22 123 45 67,\nbob@example.com,Bob,Kay,+48 22 123 45 67,\ncy@example.com,Cy,Oh,,e-1\n";
    const refused = await runImport(t, file);
    expect(refused).toMatchObject({ created: "1", failed: "3" });
    expect(refused.errors.map((e) => [e.row, e.message])).toEqual([
      ["2", expect.stringContaining("look like the same person")],
      ["3", expect.stringContaining("look like the same person")],
      ["4", expect.stringContaining("external id e-1 is already used")],
    ]);
    // Told to create duplicates, the rows sharing a phone are created; an external id stays unique.
    const allowedTenant = tenant("import_in_batch_allowed");
    const allowed = await runImport(allowedTenant, file, { onDuplicate: DuplicatePolicy.DUPLICATE_POLICY_CREATE });
    expect(allowed).toMatchObject({ created: "3", failed: "1", errors: [{ row: "4", message: expect.stringContaining("external id e-1 is already used") }] });
    // The phone is filed for all three holders: a later record with it meets them all.
    const phoneKey = await harness.service.models.matchKey.findOne({ tenantId: allowedTenant.tenantId, _id: `${allowedTenant.tenantId}|phone:+48221234567` }).lean();
    expect(phoneKey?.ids).toHaveLength(3);
  });

  it("publishes contact.created for every imported row and leaves no event behind in the outboxes", async () => {
    const t = tenant("import_events");
    const bus = harness.service.runtime.bus;
    const redis = connectRedis(testInfra().redisUrl, uniqueName("import_events"));
    const durable = uniqueName("import_events");
    const received = new Set<string>();
    await bus.consume({
      stream: "CRM_CONTACTS", durable, filterSubjects: ["crm.contacts.contact.created"], startAt: "new", idempotency: new RedisIdempotencyStore(redis),
      handler: async (event) => {
        if (event.tenantId === t.tenantId) received.add(eventsV1.ContactCreated.decode(event.payload).contactId);
      },
    });
    try {
      expect(await runImport(t, csvOf(250))).toMatchObject({ created: "250", failed: "0" });
      const stored = await harness.service.models.contact.find({ tenantId: t.tenantId }, { _id: 1 }).lean();
      await waitFor(async () => (received.size >= 250 ? true : undefined));
      expect([...received].sort()).toEqual(stored.map((c) => c._id).sort());
      // Published first, then emptied: the outboxes empty a moment after the last event arrives.
      const pending = () => harness.service.models.contact.countDocuments({ tenantId: t.tenantId, outboxSince: { $gte: new Date(0) } });
      await waitFor(async () => ((await pending()) === 0 ? true : undefined));
    } finally {
      await bus.jsm.consumers.delete("CRM_CONTACTS", durable);
      redis.disconnect();
    }
  });

  it("reports a row's invalid optional field by name, and keeps the row without it when told to", async () => {
    const t = tenant("import_optional");
    const file = [
      "email,givenName,familyName,birthday,language,phones",
      "ada@example.com,Ada,Lovelace,1945-04-93,en-GB,+44 20 7946 0958; 12",
      "grace@example.com,Grace,Hopper,1906-12-09,English,",
      "bad-email,Alan,Turing,1945-04-93,,",
    ].join("\n");
    const strict = await runImport(t, file);
    expect(strict).toMatchObject({ created: "0", failed: "3" });
    expect(strict.errors.filter((e) => e.row === "1").map((e) => e.field)).toEqual(["phones[1].number", "birthday"]);
    expect(strict.errors).toContainEqual({ row: "2", field: "language", message: "must be a BCP 47 tag, e.g. en-GB" });

    const lenient = await runImport(t, file, { dropInvalidOptionalFields: true });
    expect(lenient).toMatchObject({ created: "2", failed: "1" });
    expect(lenient.options?.dropInvalidOptionalFields).toBe(true);
    expect(lenient.errors).toEqual([
      { row: "1", field: "phones[1].number", message: expect.stringContaining("left out, the row was imported without it") },
      { row: "1", field: "birthday", message: expect.stringMatching(/^must be YYYY-MM-DD.*left out/) },
      { row: "2", field: "language", message: expect.stringContaining("left out") },
      // The natural key is not optional: the row still fails, with every field named.
      { row: "3", field: "emails[0].address", message: "is not a valid e-mail address" },
      { row: "3", field: "birthday", message: expect.stringContaining("must be YYYY-MM-DD") },
    ]);
    const stored = await list(t);
    expect(stored.find((c) => c.familyName === "Lovelace")).toMatchObject({ birthday: "", language: "en-GB", phones: [expect.objectContaining({ number: "+442079460958" })] });
    expect(stored.find((c) => c.familyName === "Hopper")).toMatchObject({ birthday: "1906-12-09", language: "" });
  });

  it("refuses a file that is not CSV while it is sent, keeps a job to one upload, and refuses unknown columns", async () => {
    const t = tenant("import_bad");
    const { job } = await callUnary(client.createImportJob.bind(client), { options: options() }, await as(t));
    const refused = await grpcError(upload(client, t, job!.id, `email,givenName\n"unterminated@example.com,Ann\n`));
    expect(refused.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(refused)).toEqual([{ field: "file", description: expect.stringMatching(/^is not valid CSV/) }]);
    const broken = await getJob(client, t, job!.id);
    expect(broken).toMatchObject({ status: ImportStatus.IMPORT_STATUS_FAILED, failureReason: expect.stringMatching(/not valid CSV/) });
    expect(await harness.service.models.importFileChunk.countDocuments({ tenantId: t.tenantId })).toBe(0);
    const second = await grpcError(upload(client, t, broken.id, "email\na@b.io\n"));
    expect(second.code).toBe(Status.FAILED_PRECONDITION);
    const mapping = await grpcError(callUnary(client.createImportJob.bind(client), { options: options({ columnMapping: { Name: "shoeSize", Id: "id" } }) }, await as(t)));
    expect(mapping.code).toBe(Status.INVALID_ARGUMENT);
    // Another tenant cannot see or feed the job.
    expect((await grpcError(callUnary(client.getImportJob.bind(client), { id: broken.id }, await as(tenant("stranger"))))).code).toBe(Status.NOT_FOUND);
  });

  it("refuses a record larger than 64 KiB at once, without waiting for the rest of the file", async () => {
    const t = tenant("import_huge");
    const { job } = await callUnary(client.createImportJob.bind(client), { options: options() }, await as(t));
    let call!: ReturnType<typeof client.uploadImportFile>;
    const metadata = metadataFor(await as(t));
    const answer = new Promise<ServiceError | null>((resolve) => {
      call = client.uploadImportFile(metadata, (error) => resolve(error));
    });
    call.write({ part: { $case: "jobId", jobId: job!.id } });
    call.write({ part: { $case: "chunk", chunk: Buffer.from(`email,familyName\nbig@example.com,${"x".repeat(70_000)}\n`) } });
    // The file is not over; the service answers anyway.
    const error = await answer;
    expect(error?.code).toBe(Status.INVALID_ARGUMENT);
    expect((await getJob(client, t, job!.id)).failureReason).toMatch(/Max Record Size/);
  }, 30_000);

  it("fails a job whose upload broke off, with the reason", async () => {
    const t = tenant("import_cut");
    const { job } = await callUnary(client.createImportJob.bind(client), { options: options() }, await as(t));
    const call = client.uploadImportFile(metadataFor(await as(t)), () => undefined);
    call.on("error", () => undefined);
    call.write({ part: { $case: "jobId", jobId: job!.id } });
    call.write({ part: { $case: "chunk", chunk: Buffer.from(csvOf(100)) } });
    for (let tries = 0; tries < 100 && (await getJob(client, t, job!.id)).status === ImportStatus.IMPORT_STATUS_AWAITING_FILE; tries++) await new Promise((r) => setTimeout(r, 20));
    call.cancel();
    const failed = await finished(client, t, job!.id);
    expect(failed).toMatchObject({ status: ImportStatus.IMPORT_STATUS_FAILED, failureReason: expect.stringMatching(/upload broke off after \d+ bytes/) });
    expect(await list(t)).toEqual([]);
  }, 30_000);

  it("answers once the file is stored, then runs the job on its own, with progress to poll", async () => {
    const t = tenant("import_progress");
    const { job } = await callUnary(client.createImportJob.bind(client), { options: options() }, await as(t));
    const queued = await upload(client, t, job!.id, csvOf(600));
    expect(queued).toMatchObject({ status: ImportStatus.IMPORT_STATUS_QUEUED, rowsProcessed: "0", bytesReceived: String(csvOf(600).length) });
    let progress = "0";
    for (let job_ = await getJob(client, t, job!.id); job_.status !== ImportStatus.IMPORT_STATUS_COMPLETED; job_ = await getJob(client, t, job!.id)) {
      if (job_.status === ImportStatus.IMPORT_STATUS_RUNNING && Number(job_.rowsProcessed) > 0) progress = job_.rowsProcessed;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(Number(progress)).toBeGreaterThan(0);
    expect(await finished(client, t, job!.id)).toMatchObject({ status: ImportStatus.IMPORT_STATUS_COMPLETED, created: "600", rowsProcessed: "600" });
    // The stored file is removed with the job done.
    expect(await harness.service.models.importFileChunk.countDocuments({ tenantId: t.tenantId })).toBe(0);
  }, 60_000);
});

describe("CSV export", () => {
  it("exports a filter as CSV that the import reads back", async () => {
    const t = tenant("export");
    await runImport(t, FILE, { columnMapping: MAPPING });
    const call = client.exportContacts({ filter: { node: { $case: "condition", condition: { field: "country", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["GB"] } } }, search: "" }, metadataFor(await as(t)));
    const chunks: Buffer[] = [];
    for await (const message of call as AsyncIterable<contactsV1.ExportContactsResponse>) chunks.push(Buffer.from(message.chunk));
    const rows = parse(Buffer.concat(chunks).toString("utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [r.familyName, r.email, r.phone, r.country, r.tags]).sort()).toEqual([
      ["Lovelace", "ada@example.com", "+442079460958", "GB", "vip; board"],
      ["Smith", "smith@example.com", "", "GB", ""],
    ]);
    const copy = tenant("export_copy");
    const csv = Buffer.concat(chunks).toString("utf8");
    expect(await runImport(copy, csv)).toMatchObject({ created: "2", failed: "0" });
  });
});
