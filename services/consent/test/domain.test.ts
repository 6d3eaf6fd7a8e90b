import { generateKeyPairSync } from "node:crypto";
import { uuidv7, ValidationError } from "@crm/kit";
import { assembleExport } from "../src/domain/access-export";
import { prepareConsent, type ConsentDraft } from "../src/domain/consent";
import { decide, type CheckPolicy, type SubjectStates } from "../src/domain/decision";
import { ChainVerifier, GENESIS_HASH, entryHash, newSalt, personalDigest, type ChainedFields, type StoredEntry } from "../src/domain/ledger-chain";
import { mergeStep } from "../src/domain/merge";
import { applyPurposeUpdate, preparePurpose, withNewNotice, type Purpose, type PurposeDraft } from "../src/domain/purpose";
import { buildReceipt, ReceiptSigner } from "../src/domain/receipt";
import { nextAskDelay } from "../src/domain/subject-request";
import { normaliseAddress, prepareSuppression } from "../src/domain/suppression";

/** The violations a call is refused with, by field. */
function violationsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations.map((v) => v.field);
    throw error;
  }
  throw new Error("it was accepted");
}

const draft = (fields: Partial<PurposeDraft> = {}): PurposeDraft => ({
  name: "Newsletter", key: "", description: "", lawfulBasis: "consent", retentionDays: 0, consentValidityDays: 0, optMode: "", noticeText: "Monthly news.", ...fields,
});
const purpose = (fields: Partial<Purpose> = {}): Purpose => ({
  ...preparePurpose(draft()), id: uuidv7(), tenantId: "t", notices: [{ version: 1, text: "v1", requiresRenewal: false, publishedAt: new Date(0), publishedBy: "u" }],
  renewalRequiredFrom: 0, createdBy: "u", updatedBy: "u", createdAt: new Date(0), updatedAt: new Date(0), version: 1, ...fields,
});

describe("purposes", () => {
  it("tidies the name, makes a key from it, and takes opt-in by default", () => {
    expect(preparePurpose(draft({ name: "  Marketing \t e-mail (Łódź) " }))).toMatchObject({ name: "Marketing e-mail (Łódź)", key: "marketing-e-mail-lodz", optMode: "opt_in" });
  });

  it("refuses consent without opt-in, days out of bounds and a key that is not one, all at once", () => {
    expect(violationsOf(() => preparePurpose(draft({ optMode: "opt_out", retentionDays: 1.5, key: "Bad Key", noticeText: " " })))).toEqual([
      "purpose.key", "purpose.optMode", "purpose.retentionDays", "purpose.noticeText",
    ]);
  });

  it("changes only the masked fields, in either spelling, and never what subjects agreed to", () => {
    const { purpose: next, changed } = applyPurposeUpdate(purpose(), draft({ name: "News", consentValidityDays: 30, lawfulBasis: "contract" }), ["name", "consent_validity_days"]);
    expect(next).toMatchObject({ name: "News", consentValidityDays: 30, lawfulBasis: "consent" });
    expect(changed).toEqual(["name", "consentValidityDays"]);
    expect(violationsOf(() => applyPurposeUpdate(purpose(), draft(), ["optMode"]))).toEqual(["updateMask"]);
  });

  it("numbers notices, and remembers from which version grants count", () => {
    const renewed = withNewNotice(withNewNotice(purpose(), "typo", false, "u", new Date()), "new terms", true, "u", new Date());
    expect(renewed.notices.map((n) => n.version)).toEqual([1, 2, 3]);
    expect(renewed.renewalRequiredFrom).toBe(3);
    expect(withNewNotice(renewed, "typo again", false, "u", new Date()).renewalRequiredFrom).toBe(3);
  });
});

describe("consents", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const consent = (fields: Partial<ConsentDraft> = {}): ConsentDraft => ({
    subjectId: uuidv7(), purposeId: uuidv7(), channel: "email", action: "grant", source: "form", noticeVersion: 0, ipAddress: "", userAgent: "", occurredAt: undefined, requestId: "", note: "", ...fields,
  });

  it("takes the current notice and now when not given, and expires a grant by the purpose's validity", () => {
    const change = prepareConsent(consent(), purpose({ consentValidityDays: 10 }), "consents[0]", now);
    expect(change).toMatchObject({ noticeVersion: 1, occurredAt: now, expiresAt: new Date("2026-06-11T12:00:00Z") });
    expect(prepareConsent(consent({ action: "withdraw" }), purpose({ consentValidityDays: 10 }), "c", now).expiresAt).toBeUndefined();
  });

  it("refuses a missing purpose, a notice it does not have, the service's own source, a time ahead, a false IP", () => {
    expect(violationsOf(() => prepareConsent(consent({ source: "merge", ipAddress: "1.2.3", occurredAt: new Date(now.getTime() + 3600_000) }), undefined, "c", now))).toEqual([
      "c.purposeId", "c.source", "c.occurredAt", "c.ipAddress",
    ]);
    expect(violationsOf(() => prepareConsent(consent({ noticeVersion: 2 }), purpose(), "c", now))).toEqual(["c.noticeVersion"]);
  });
});

describe("decide", () => {
  const optIn: CheckPolicy = { optMode: "opt_in", renewalRequiredFrom: 0 };
  const optOut: CheckPolicy = { optMode: "opt_out", renewalRequiredFrom: 0 };
  const granted = (seq: number, more: object = {}) => ({ status: "granted" as const, seq, noticeVersion: 1, ...more });
  const withdrawn = (seq: number) => ({ status: "withdrawn" as const, seq, noticeVersion: 1 });
  const reason = (policy: CheckPolicy, states: SubjectStates, suppressed = false) => decide(policy, states, "email", suppressed, 1_000).reason;

  it("lets the later of the channel's record and the any record decide", () => {
    expect(reason(optIn, { email: granted(5), any: withdrawn(4) })).toBe("granted");
    expect(reason(optIn, { email: granted(3), any: withdrawn(4) })).toBe("withdrawn");
    expect(reason(optIn, { sms: granted(3) })).toBe("no_consent");
  });

  it("allows silence only for opt-out purposes, and never a suppressed address", () => {
    expect(decide(optOut, {}, "email", false, 0)).toEqual({ allowed: true, reason: "not_objected" });
    expect(reason(optOut, { any: withdrawn(1) })).toBe("withdrawn");
    expect(decide(optIn, { email: granted(1) }, "email", true, 0)).toEqual({ allowed: false, reason: "suppressed" });
  });

  it("does not count a grant that expired, or was given under a notice that must be renewed", () => {
    expect(reason(optIn, { email: granted(1, { expiresAt: 1_000 }) })).toBe("expired");
    expect(reason(optIn, { email: granted(1, { expiresAt: 1_001 }) })).toBe("granted");
    expect(reason({ optMode: "opt_in", renewalRequiredFrom: 2 }, { email: granted(1) })).toBe("renewal_required");
    expect(reason({ optMode: "opt_out", renewalRequiredFrom: 2 }, { email: granted(1) })).toBe("not_objected");
  });
});

describe("mergeStep", () => {
  it("copies what the survivor lacks, keeps the most restrictive on a conflict, and says why", () => {
    expect(mergeStep(undefined, "granted", "m")).toEqual({ status: "granted", note: expect.stringContaining("followed contact m") });
    expect(mergeStep("granted", "withdrawn", "m")).toEqual({ status: "withdrawn", note: expect.stringContaining("most restrictive") });
    expect(mergeStep("withdrawn", "granted", "m")).toEqual({ status: "withdrawn", note: expect.stringContaining("this one had withdrawn") });
    expect(mergeStep("granted", "granted", "m")).toBeUndefined();
    expect(mergeStep("granted", undefined, "m")).toBeUndefined();
  });
});

describe("the ledger's hash chain", () => {
  function chain(count: number): StoredEntry[] {
    let prevHash = GENESIS_HASH;
    return Array.from({ length: count }, (_, i) => {
      const salt = newSalt();
      const personal = { subjectId: uuidv7(), ipAddress: "192.0.2.1", userAgent: "UA" };
      const fields: ChainedFields = {
        tenantId: "t", seq: i + 1, kind: "consent", purposeId: "p", channel: "email", action: "grant", source: "form", noticeVersion: 1, recordedBy: "u",
        occurredAt: new Date(i), recordedAt: new Date(i), note: "", personalDigest: personalDigest(salt, personal), subjectPseudonym: "", prevHash,
      };
      const entry: StoredEntry = { ...fields, ...personal, personalSalt: salt, id: `e${i + 1}`, hash: entryHash(fields) };
      prevHash = entry.hash;
      return entry;
    });
  }
  const verify = (entries: StoredEntry[]) => {
    const verifier = new ChainVerifier();
    for (const entry of entries) {
      const broken = verifier.check(entry);
      if (broken) return broken;
    }
    return verifier.finish();
  };

  it("passes an untouched chain and names the first entry changed, removed, relinked or stripped of its data", () => {
    const entries = chain(4);
    expect(verify(entries)).toBeUndefined();
    expect(verify(entries.map((e) => (e.seq === 2 ? { ...e, channel: "sms" } : e)))).toMatchObject({ seq: 2, reason: "its content no longer matches its hash" });
    expect(verify(entries.filter((e) => e.seq !== 3))).toMatchObject({ seq: 3, entryId: "" });
    expect(verify(entries.map((e) => (e.seq === 3 ? { ...e, prevHash: GENESIS_HASH } : e)))).toMatchObject({ seq: 3, reason: expect.stringContaining("does not link") });
    expect(verify(entries.map((e) => (e.seq === 2 ? { ...e, userAgent: "other" } : e)))).toMatchObject({ seq: 2, reason: expect.stringContaining("was changed") });
    expect(verify(entries.map((e) => (e.seq === 2 ? { ...e, subjectId: undefined, personalSalt: undefined } : e)))).toMatchObject({ seq: 2, reason: expect.stringContaining("without an erasure") });
  });
});

describe("receipts", () => {
  const signer = new ReceiptSigner(generateKeyPairSync("ed25519").privateKey);
  const receipt = buildReceipt(
    { id: "r1", tenantId: "t", kind: "erasure", subjectPseudonym: "p", requestedAt: new Date(0), progress: { b: { done: true, erased: 1, anonymised: 2, records: 0, asks: 0, lastError: "" }, a: { done: true, erased: 0, anonymised: 0, records: 0, asks: 0, lastError: "" } } },
    new Date(1),
  );

  it("lists the services in name order, with what each did", () => {
    expect(receipt.services).toEqual([{ service: "a", erased: 0, anonymised: 0, at: new Date(1).toISOString() }, { service: "b", erased: 1, anonymised: 2, at: new Date(1).toISOString() }]);
  });

  it("verifies a receipt as signed, and refuses one altered, re-signed by another key or naming another key", () => {
    const signed = signer.sign(receipt);
    expect(signer.verify(signed)).toEqual(receipt);
    expect(violationsOf(() => signer.verify({ ...signed, receiptJson: signed.receiptJson.replace('"erased":1', '"erased":0') }))).toEqual(["receipt.signature"]);
    const forger = new ReceiptSigner(generateKeyPairSync("ed25519").privateKey);
    expect(violationsOf(() => signer.verify({ ...forger.sign(receipt), keyId: signer.keyId }))).toEqual(["receipt.signature"]);
    expect(violationsOf(() => signer.verify(forger.sign(receipt)))).toEqual(["receipt.keyId"]);
    expect(ReceiptSigner.fromText(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString()).keyId).toHaveLength(16);
  });
});

describe("addresses and requests", () => {
  it("compares e-mails in lower case and phones as + and digits", () => {
    expect(normaliseAddress("email", " Eve@Example.COM ")).toBe("eve@example.com");
    expect(normaliseAddress("phone", "0048 (601) 234-567")).toBe("+48601234567");
    expect(normaliseAddress("phone", "call me")).toBeUndefined();
    expect(violationsOf(() => prepareSuppression({ type: "email", address: "nope", reason: "" }))).toEqual(["suppression.address"]);
  });

  it("assembles the same export from the same parts, whatever their order", () => {
    const facts = { requestId: "r", subjectId: "s", requestedAt: new Date(0), completedAt: new Date(1) };
    const parts = [{ service: "b", dataJson: '{"x":1}' }, { service: "a", dataJson: "{}" }];
    const exported = assembleExport(facts, parts);
    expect(JSON.parse(exported)).toMatchObject({ requestId: "r", services: { a: {}, b: { x: 1 } } });
    expect(assembleExport(facts, [...parts].reverse())).toBe(exported);
  });

  it("spaces out questions to a silent service, doubling up to an hour", () => {
    expect([1, 2, 3, 20].map((asks) => nextAskDelay(asks, 60_000))).toEqual([60_000, 120_000, 240_000, 3600_000]);
  });
});
