import { status as Status } from "@grpc/grpc-js";
import { callUnary, type Identity } from "@crm/kit";
import { contactsV1 } from "@crm/proto";
import { as, contactInput, emails, grpcError, metadataFor, startTestService, tenant } from "./support";

// Record-level permissions: a caller limited to its own and its team's records (Identity.owners,
// signed by the gateway) sees only those, in every read the service offers.
let harness: Awaited<ReturnType<typeof startTestService>>;
let client: contactsV1.ContactsServiceClient;
const admin = tenant("records");
const alice: Identity = { ...admin, subject: "alice", roles: ["sales"], owners: ["alice", "team-north"] };

beforeAll(async () => {
  harness = await startTestService("contacts_records");
  client = harness.client;
});
afterAll(() => harness.stop());

const create = async (identity: Identity, fields: Partial<contactsV1.ContactInput>) =>
  (await callUnary(client.createContact.bind(client), { contact: contactInput(fields), requestId: "", allowDuplicates: true }, await as(identity))).contact!;
const namesIn = (contacts: contactsV1.Contact[]) => contacts.map((c) => c.givenName).sort();

async function readStream<M>(call: AsyncIterable<M>): Promise<M[]> {
  const messages: M[] = [];
  for await (const message of call) messages.push(message);
  return messages;
}

describe("a caller limited to its own and its team's records", () => {
  let foreign: contactsV1.Contact;

  beforeAll(async () => {
    await create(admin, { givenName: "Own", familyName: "Zebra", ownerId: "alice", emails: emails("own@zebra.example") });
    await create(admin, { givenName: "Team", familyName: "Zebra", ownerId: "team-north" });
    foreign = await create(admin, { givenName: "Foreign", familyName: "Zebra", ownerId: "bob", emails: emails("foreign@zebra.example") });
    await create(admin, { givenName: "Unowned", familyName: "Zebra" });
  });

  it("lists and searches only those", async () => {
    const listed = await callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial({}), await as(alice));
    expect(namesIn(listed.contacts)).toEqual(["Own", "Team"]);
    const searched = await callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial({ search: "zebra" }), await as(alice));
    expect(namesIn(searched.contacts)).toEqual(["Own", "Team"]);
    // An unrestricted caller of the same tenant sees every record.
    const all = await callUnary(client.listContacts.bind(client), contactsV1.ListContactsRequest.fromPartial({}), await as(admin));
    expect(all.contacts).toHaveLength(4);
  });

  it("does not find another owner's record by id, even once it is cached", async () => {
    // The admin's read puts the record in the service's cache.
    await callUnary(client.getContact.bind(client), { id: foreign.id }, await as(admin));
    const error = await grpcError(callUnary(client.getContact.bind(client), { id: foreign.id }, await as(alice)));
    expect(error.code).toBe(Status.NOT_FOUND);
    const change = await grpcError(
      callUnary(client.updateContact.bind(client), contactsV1.UpdateContactRequest.fromPartial({ id: foreign.id, contact: { title: "x" }, updateMask: ["title"] }), await as(alice)),
    );
    expect(change.code).toBe(Status.NOT_FOUND);
  });

  it("streams and exports only those", async () => {
    const batches = await readStream(client.streamContacts(contactsV1.StreamContactsRequest.fromPartial({}), metadataFor(await as(alice))));
    expect(namesIn(batches.flatMap((b) => b.contacts))).toEqual(["Own", "Team"]);
    const chunks = await readStream(client.exportContacts({ search: "" }, metadataFor(await as(alice))));
    const csv = Buffer.concat(chunks.map((c) => Buffer.from(c.chunk))).toString();
    expect(csv).toContain("own@zebra.example");
    expect(csv).not.toContain("foreign@zebra.example");
  });

  it("does not show another owner's record as a duplicate", async () => {
    const found = await callUnary(
      client.findContactDuplicates.bind(client),
      { subject: { $case: "contact", contact: contactInput({ givenName: "Foreign", familyName: "Zebra", emails: emails("foreign@zebra.example") }) } },
      await as(alice),
    );
    expect(found.candidates.map((c) => c.id)).not.toContain(foreign.id);
  });

  it("owns what it creates, and cannot give a new record to someone else", async () => {
    const mine = await create(alice, { givenName: "Created" });
    expect(mine.ownerId).toBe("alice");
    const error = await grpcError(create(alice, { givenName: "Gift", ownerId: "bob" }));
    expect(error.code).toBe(Status.PERMISSION_DENIED);
  });

  it("may not start an import, which would run beyond its records", async () => {
    const error = await grpcError(callUnary(client.createImportJob.bind(client), contactsV1.CreateImportJobRequest.fromPartial({ options: {} }), await as(alice)));
    expect(error.code).toBe(Status.PERMISSION_DENIED);
  });
});
