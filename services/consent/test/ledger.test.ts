import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7 } from "@crm/kit";
import { commonV1, consentV1, eventsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { call, consentInput, ConsentAction, ConsentSource, createPurpose, grpcError, record, startTestService, tenant, waitFor, type ConsentHarness } from "./support";

// Grants and withdrawals in the hash-chained ledger, on the real FerretDB, NATS and Redis; the
// tampering is done as an attacker with database access would, on the stored documents.
let harness: ConsentHarness;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("ledger", { PROJECTION_REPAIR_AFTER_MS: "300" });
  published = await EventWatcher.start("crm.consent.consent.changed");
});
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
});

const ledger = () => harness.service.models.ledger;
const condition = (field: string, value: string) => ({ node: { $case: "condition" as const, condition: { field, comparator: commonV1.Comparator.COMPARATOR_EQ, values: [value] } } });
const history = async (identity: ReturnType<typeof tenant>, subjectId: string) =>
  (await call(harness, identity, "listConsentHistory", consentV1.ListConsentHistoryRequest.fromPartial({ filter: condition("subjectId", subjectId) }))).entries;
const verify = (identity: ReturnType<typeof tenant>) => call(harness, identity, "verifyLedger", {});

describe("the consent ledger", () => {
  it("records a grant and a withdrawal with their proof, derives the current consent and announces each change", async () => {
    const owner = tenant("grant");
    const purpose = await createPurpose(harness, owner, { consentValidityDays: 30 });
    const subjectId = uuidv7();
    const grantedAt = new Date(Date.now() - 60_000);
    const [grant] = await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, ipAddress: "203.0.113.7", userAgent: "Mozilla/5.0", occurTime: grantedAt }));
    const [withdrawal] = await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, action: ConsentAction.CONSENT_ACTION_WITHDRAW, source: ConsentSource.CONSENT_SOURCE_UNSUBSCRIBE_LINK }));

    expect(grant).toMatchObject({ kind: "consent", subjectId, noticeVersion: 1, ipAddress: "203.0.113.7", userAgent: "Mozilla/5.0", recordedBy: owner.subject, occurTime: grantedAt });
    expect(grant!.expireTime).toEqual(new Date(grantedAt.getTime() + 30 * 24 * 3600_000));
    expect(withdrawal!.prevHash).toBe(grant!.hash);
    expect(Number(withdrawal!.seq)).toBe(Number(grant!.seq) + 1);
    expect((await history(owner, subjectId)).map((e) => e.action)).toEqual([ConsentAction.CONSENT_ACTION_WITHDRAW, ConsentAction.CONSENT_ACTION_GRANT]);

    const { consents } = await call(harness, owner, "listConsents", consentV1.ListConsentsRequest.fromPartial({ filter: condition("subjectId", subjectId) }));
    expect(consents).toEqual([expect.objectContaining({ subjectId, purposeId: purpose.id, status: consentV1.ConsentStatus.CONSENT_STATUS_WITHDRAWN, ledgerSeq: withdrawal!.seq })]);
    const changed = await published.next((e) => eventsV1.ConsentChanged.decode(e.payload).ledgerHash === withdrawal!.hash);
    expect(eventsV1.ConsentChanged.decode(changed.payload)).toMatchObject({ subjectId, purposeId: purpose.id, channel: "email", status: "withdrawn", source: "unsubscribe_link" });
    expect(await verify(owner)).toMatchObject({ intact: true, entriesChecked: "2", headHash: withdrawal!.hash });
  });

  it("records nothing new for a repeated request id, and refuses invalid consents whole, naming each field", async () => {
    const owner = tenant("idempotent");
    const purpose = await createPurpose(harness, owner);
    const subjectId = uuidv7();
    const requestId = uuidv7();
    const [first] = await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, requestId }));
    const [again] = await record(harness, owner, consentInput({ subjectId, purposeId: purpose.id, requestId }));
    expect(again!.id).toBe(first!.id);
    const invalid = await grpcError(
      record(
        harness,
        owner,
        consentInput({ subjectId, purposeId: purpose.id, noticeVersion: 7, ipAddress: "not an ip" }),
        consentInput({ subjectId, purposeId: uuidv7(), source: ConsentSource.CONSENT_SOURCE_MERGE, occurTime: new Date(Date.now() + 3600_000) }),
      ),
    );
    expect(invalid.code).toBe(Status.INVALID_ARGUMENT);
    expect(fieldViolationsOf(invalid).map((v) => v.field)).toEqual([
      "consents[0].noticeVersion", "consents[0].ipAddress", "consents[1].purposeId", "consents[1].source", "consents[1].occurredAt",
    ]);
    expect(await history(owner, subjectId)).toHaveLength(1);
  });

  it("keeps one chain when writers append at the same time", async () => {
    const owner = tenant("concurrent");
    const purpose = await createPurpose(harness, owner);
    const batches = Array.from({ length: 6 }, () => Array.from({ length: 20 }, () => consentInput({ subjectId: uuidv7(), purposeId: purpose.id })));
    await Promise.all(batches.map((batch) => record(harness, owner, ...batch)));
    const stored = await ledger().find({ tenantId: owner.tenantId }).sort({ seq: 1 }).lean();
    expect(stored.map((entry) => entry.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    expect(await verify(owner)).toMatchObject({ intact: true, entriesChecked: "120" });
  });

  it("finishes the projection of entries whose writer stopped after appending them", async () => {
    const owner = tenant("crash");
    const purpose = await createPurpose(harness, owner);
    const subjectId = uuidv7();
    const at = new Date();
    // What a writer that stopped right after its append leaves: the entry, its state never written.
    await harness.service.deps.ledger.append(owner.tenantId, [
      {
        kind: "consent", purposeId: purpose.id, channel: "email", action: "grant", source: "form", noticeVersion: 1, recordedBy: owner.subject,
        occurredAt: at, recordedAt: at, expiresAt: undefined, note: "", subjectPseudonym: "", personal: { subjectId, ipAddress: "", userAgent: "" },
        requestKey: uuidv7(), announce: true,
      },
    ]);
    const allowed = async () =>
      (await call(harness, owner, "checkConsents", { purposeId: purpose.id, channel: consentV1.Channel.CHANNEL_EMAIL, subjects: [{ subjectId, address: "" }] })).allowed[0];
    expect(await allowed()).toBe(false);
    const state = await waitFor(async () => (await call(harness, owner, "listConsents", consentV1.ListConsentsRequest.fromPartial({ filter: condition("subjectId", subjectId) }))).consents[0], 10_000);
    expect(state).toMatchObject({ status: consentV1.ConsentStatus.CONSENT_STATUS_GRANTED });
    // The cached "no record" is replaced too: the repair writes the state, then the cache.
    expect(await waitFor(async () => ((await allowed()) ? true : undefined), 10_000)).toBe(true);
  });

  it("names the first entry changed in the database, a removed one, and personal data changed", async () => {
    const owner = tenant("tamper");
    const purpose = await createPurpose(harness, owner);
    const entries = await record(harness, owner, ...Array.from({ length: 5 }, () => consentInput({ subjectId: uuidv7(), purposeId: purpose.id, ipAddress: "198.51.100.1" })));
    const [, second, third, fourth] = entries;
    const scope = (entry: consentV1.LedgerEntry) => ({ tenantId: owner.tenantId, _id: entry.id });

    await ledger().updateOne(scope(third!), { $set: { action: "withdraw" } });
    await ledger().updateOne(scope(fourth!), { $set: { note: "backdated" } });
    expect((await verify(owner)).firstBreak).toEqual({ seq: third!.seq, entryId: third!.id, reason: "its content no longer matches its hash" });
    await ledger().updateOne(scope(third!), { $set: { action: "grant" } });
    await ledger().updateOne(scope(fourth!), { $set: { note: "" } });
    expect(await verify(owner)).toMatchObject({ intact: true, entriesChecked: "5" });

    await ledger().updateOne(scope(second!), { $set: { ipAddress: "192.0.2.99" } });
    expect((await verify(owner)).firstBreak).toMatchObject({ seq: second!.seq, reason: "its subject, IP address or user agent was changed" });
    await ledger().updateOne(scope(second!), { $set: { ipAddress: "198.51.100.1" } });

    await ledger().deleteOne(scope(third!));
    const removed = await verify(owner);
    expect(removed).toMatchObject({ intact: false, entriesChecked: "2" });
    expect(removed.firstBreak).toMatchObject({ seq: third!.seq, entryId: "", reason: expect.stringContaining(`entry ${third!.seq} is missing`) });
  });
});
