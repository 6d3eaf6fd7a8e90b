import { credentials, status as Status } from "@grpc/grpc-js";
import { callUnary } from "@crm/kit";
import { contactsV1, subjectDataV1 } from "@crm/proto";
import { as, contactInput, emails, grpcError, startTestService, tenant } from "./support";

// The contacts service's part of an access request, asked over gRPC as the consent service asks it.
let harness: Awaited<ReturnType<typeof startTestService>>;
let participant: subjectDataV1.SubjectDataServiceClient;

beforeAll(async () => {
  harness = await startTestService("subject_export");
  participant = new subjectDataV1.SubjectDataServiceClient(harness.address, credentials.createInsecure());
});
afterAll(async () => {
  participant?.close();
  await harness?.stop();
});

describe("ExportSubjectData", () => {
  it("gives every record of the subject, by id and by e-mail, and only to a service", async () => {
    const t = tenant("export");
    const create = async (fields: Partial<contactsV1.ContactInput>) =>
      (await callUnary(harness.client.createContact.bind(harness.client), { contact: contactInput(fields), requestId: "", allowDuplicates: true }, await as(t))).contact!;
    const subject = await create({ givenName: "Eve", familyName: "Example", emails: emails("eve@example.com"), birthday: "1990-01-02" });
    const copy = await create({ givenName: "E.", familyName: "Example", emails: emails("eve@example.com") });
    await create({ givenName: "Bob", emails: emails("bob@example.com") });

    const consent = { ...t, subject: "service:consent" };
    const ask = async (identity: typeof t) =>
      callUnary(participant.exportSubjectData.bind(participant), { requestId: "r1", contactId: subject.id, emails: ["EVE@example.com"], phones: [] }, await as(identity));
    const answer = await ask(consent);
    expect(answer).toMatchObject({ service: "contacts", records: "2" });
    const data = JSON.parse(answer.dataJson);
    expect(data.contacts.map((c: { id: string }) => c.id).sort()).toEqual([subject.id, copy.id].sort());
    expect(data.contacts.find((c: { id: string }) => c.id === subject.id)).toMatchObject({ givenName: "Eve", birthday: "1990-01-02", emails: [{ address: "eve@example.com" }] });
    expect((await grpcError(ask(t))).code).toBe(Status.PERMISSION_DENIED);
  });
});
