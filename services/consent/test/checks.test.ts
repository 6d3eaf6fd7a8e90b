import { status as Status } from "@grpc/grpc-js";
import { uuidv7 } from "@crm/kit";
import { consentV1 } from "@crm/proto";
import { testInfra } from "@crm/testing";
import { Redis } from "ioredis";
import { call, Channel, ConsentAction, consentInput, createPurpose, grpcError, record, startTestService, tenant, type ConsentHarness } from "./support";

// "May we contact these subjects?" on the real FerretDB, NATS and Redis: answers from Redis,
// filled from MongoDB, right after each change and after the service's Redis keys are flushed.
let harness: ConsentHarness;
let redis: Redis;

beforeAll(async () => {
  harness = await startTestService("checks");
  redis = new Redis(testInfra().redisUrl);
});
afterAll(async () => {
  redis?.disconnect();
  await harness?.stop();
});

const { CheckReason } = consentV1;
type Subject = { subjectId: string; address?: string };
const check = async (identity: ReturnType<typeof tenant>, purposeId: string, subjects: Subject[], channel = Channel.CHANNEL_EMAIL) => {
  const response = await call(harness, identity, "checkConsents", { purposeId, channel, subjects: subjects.map((s) => ({ address: "", ...s })) });
  return response.reasons.map((reason, i) => ({ allowed: response.allowed[i], reason }));
};
const ids = (count: number) => Array.from({ length: count }, () => uuidv7());

/** Drops every Redis key of this service (its prefix), as a Redis flush would, without touching other tests' keys. */
async function flushServiceKeys(): Promise<number> {
  let removed = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${harness.database}:*`, "COUNT", 1_000);
    if (keys.length > 0) removed += await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  return removed;
}

describe("consent checks", () => {
  it("answers for 100 000 subjects at once, the same from MongoDB, from Redis and after a Redis flush", async () => {
    const owner = tenant("batch");
    const purpose = await createPurpose(harness, owner);
    const [granted, withdrawn] = [ids(300), ids(50)];
    for (let start = 0; start < granted.length; start += 100) {
      await record(harness, owner, ...granted.slice(start, start + 100).map((subjectId) => consentInput({ subjectId, purposeId: purpose.id })));
    }
    await record(harness, owner, ...withdrawn.map((subjectId) => consentInput({ subjectId, purposeId: purpose.id, action: ConsentAction.CONSENT_ACTION_WITHDRAW })));
    const unknown = ids(100_000 - granted.length - withdrawn.length);
    const subjects = [...granted, ...withdrawn, ...unknown].map((subjectId) => ({ subjectId }));
    const expected = [
      ...granted.map(() => ({ allowed: true, reason: CheckReason.CHECK_REASON_GRANTED })),
      ...withdrawn.map(() => ({ allowed: false, reason: CheckReason.CHECK_REASON_WITHDRAWN })),
      ...unknown.map(() => ({ allowed: false, reason: CheckReason.CHECK_REASON_NO_CONSENT })),
    ];

    expect(await check(owner, purpose.id, subjects)).toEqual(expected);
    expect(await check(owner, purpose.id, subjects)).toEqual(expected);
    expect(await flushServiceKeys()).toBeGreaterThanOrEqual(100_000);
    expect(await check(owner, purpose.id, subjects)).toEqual(expected);
  }, 120_000);

  it("sees a change made after the answer was cached, and a grant that expired or predates a notice to renew", async () => {
    const owner = tenant("fresh");
    const purpose = await createPurpose(harness, owner, { consentValidityDays: 365 });
    const [changed, old, renew] = [uuidv7(), uuidv7(), uuidv7()];
    await record(
      harness,
      owner,
      consentInput({ subjectId: changed, purposeId: purpose.id }),
      consentInput({ subjectId: old, purposeId: purpose.id, occurTime: new Date(Date.now() - 400 * 24 * 3600_000) }),
      consentInput({ subjectId: renew, purposeId: purpose.id }),
    );
    const subjects = [changed, old, renew].map((subjectId) => ({ subjectId }));
    expect((await check(owner, purpose.id, subjects)).map((a) => a.reason)).toEqual([CheckReason.CHECK_REASON_GRANTED, CheckReason.CHECK_REASON_EXPIRED, CheckReason.CHECK_REASON_GRANTED]);

    await record(harness, owner, consentInput({ subjectId: changed, purposeId: purpose.id, action: ConsentAction.CONSENT_ACTION_WITHDRAW, channel: Channel.CHANNEL_ANY }));
    await call(harness, owner, "publishNotice", { purposeId: purpose.id, text: "We now share your e-mail with partners.", requiresRenewal: true, etag: "" });
    expect((await check(owner, purpose.id, subjects)).map((a) => a.reason)).toEqual([CheckReason.CHECK_REASON_WITHDRAWN, CheckReason.CHECK_REASON_EXPIRED, CheckReason.CHECK_REASON_RENEWAL_REQUIRED]);
    // Renewed under the new notice; the later record decides, whatever its channel.
    await record(harness, owner, consentInput({ subjectId: renew, purposeId: purpose.id }), consentInput({ subjectId: changed, purposeId: purpose.id, channel: Channel.CHANNEL_EMAIL }));
    expect((await check(owner, purpose.id, subjects)).map((a) => a.allowed)).toEqual([true, false, true]);
    expect((await check(owner, purpose.id, subjects, Channel.CHANNEL_SMS)).map((a) => a.reason)).toEqual([CheckReason.CHECK_REASON_WITHDRAWN, CheckReason.CHECK_REASON_NO_CONSENT, CheckReason.CHECK_REASON_NO_CONSENT]);
  });

  it("lets a suppressed address win over any consent, on the channels that use it", async () => {
    const owner = tenant("suppressed");
    const purpose = await createPurpose(harness, owner);
    const [subject, other] = [uuidv7(), uuidv7()];
    await record(harness, owner, ...[subject, other].map((subjectId) => consentInput({ subjectId, purposeId: purpose.id, channel: Channel.CHANNEL_ANY })));
    const asked = [{ subjectId: subject, address: "Eve@Example.com" }, { subjectId: other, address: "bob@example.com" }];
    expect((await check(owner, purpose.id, asked)).map((a) => a.allowed)).toEqual([true, true]);

    const { suppression } = await call(harness, owner, "addSuppression", { suppression: { type: consentV1.SuppressionType.SUPPRESSION_TYPE_EMAIL, address: " eve@EXAMPLE.com", reason: "hard bounce" }, requestId: "" });
    expect(suppression).toMatchObject({ address: "eve@example.com", reason: "hard bounce" });
    expect(await check(owner, purpose.id, asked)).toEqual([{ allowed: false, reason: CheckReason.CHECK_REASON_SUPPRESSED }, { allowed: true, reason: CheckReason.CHECK_REASON_GRANTED }]);
    expect((await check(owner, purpose.id, asked, Channel.CHANNEL_POST)).map((a) => a.allowed)).toEqual([true, true]);
    await flushServiceKeys();
    expect((await check(owner, purpose.id, asked)).map((a) => a.reason)).toEqual([CheckReason.CHECK_REASON_SUPPRESSED, CheckReason.CHECK_REASON_GRANTED]);

    await call(harness, owner, "removeSuppression", { id: suppression!.id });
    expect((await check(owner, purpose.id, asked)).map((a) => a.allowed)).toEqual([true, true]);
  });

  it("allows subjects without a record for an opt-out purpose, until they object", async () => {
    const owner = tenant("opt_out");
    const purpose = await createPurpose(harness, owner, { lawfulBasis: consentV1.LawfulBasis.LAWFUL_BASIS_LEGITIMATE_INTEREST, optMode: consentV1.OptMode.OPT_MODE_OPT_OUT });
    const [silent, objected] = [uuidv7(), uuidv7()];
    await record(harness, owner, consentInput({ subjectId: objected, purposeId: purpose.id, action: ConsentAction.CONSENT_ACTION_WITHDRAW }));
    expect(await check(owner, purpose.id, [{ subjectId: silent }, { subjectId: objected }])).toEqual([
      { allowed: true, reason: CheckReason.CHECK_REASON_NOT_OBJECTED },
      { allowed: false, reason: CheckReason.CHECK_REASON_WITHDRAWN },
    ]);
  });

  it("refuses a check without a channel to contact on, or with ids that are not contacts'", async () => {
    const owner = tenant("invalid");
    const purpose = await createPurpose(harness, owner);
    expect((await grpcError(check(owner, purpose.id, [{ subjectId: uuidv7() }], Channel.CHANNEL_ANY))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await grpcError(check(owner, purpose.id, [{ subjectId: "42" }]))).code).toBe(Status.INVALID_ARGUMENT);
    expect((await grpcError(check(owner, uuidv7(), [{ subjectId: uuidv7() }]))).code).toBe(Status.NOT_FOUND);
  });
});
