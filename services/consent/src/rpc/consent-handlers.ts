import { consentV1 } from "@crm/proto";
import { actorOf, requireId, UUID_PATTERN, ValidationError, type ServiceRuntime } from "@crm/kit";
import { checkConsentIds, prepareConsent } from "../domain/consent";
import type { ConsentChecks } from "../store/consent-checks";
import type { ConsentRecorder } from "../store/consent-recorder";
import type { ConsentStateRepository } from "../store/consent-state-repository";
import type { LedgerRepository } from "../store/ledger-repository";
import type { PurposeRepository } from "../store/purpose-repository";
import { checkEach, toConsentDraft, toProtoConsent, toProtoEntry } from "./consent-mapping";
import { channels, checkReasons } from "./enums";

/** Grants and withdrawals in one request. */
export const MAX_RECORDS = 1_000;
/** Subjects in one check: an audience of 100 000 at once (the server reads requests of up to 16 MiB). */
export const MAX_CHECKED = 100_000;
/** Subjects whose invalid id a refused check names. */
const MAX_REPORTED = 10;

export interface ConsentHandlerDependencies {
  purposes: PurposeRepository;
  recorder: ConsentRecorder;
  states: ConsentStateRepository;
  ledger: LedgerRepository;
  checks: ConsentChecks;
}

/** Consents: recorded in the ledger, listed, their history, the chain verified, checks before contacting. */
export function consentHandlers(rpc: ServiceRuntime["rpc"], deps: ConsentHandlerDependencies) {
  return {
    recordConsents: rpc("RecordConsents", async (request: consentV1.RecordConsentsRequest, { identity }) => {
      if (request.consents.length === 0 || request.consents.length > MAX_RECORDS) throw ValidationError.field("consents", `takes 1 to ${MAX_RECORDS} consents`);
      const drafts = request.consents.map(toConsentDraft);
      checkEach(drafts, (draft, index) => checkConsentIds(draft, `consents[${index}]`));
      const purposes = await deps.purposes.findMany(identity.tenantId, drafts.map((draft) => draft.purposeId));
      const now = new Date();
      const changes = checkEach(drafts, (draft, index) => prepareConsent(draft, purposes.get(draft.purposeId), `consents[${index}]`, now));
      const entries = await deps.recorder.record(actorOf(identity), changes);
      return { entries: entries.map(toProtoEntry) };
    }),

    listConsents: rpc("ListConsents", async (request: consentV1.ListConsentsRequest, { identity }) => {
      const { items, pageInfo } = await deps.states.list(identity.tenantId, request);
      return { consents: items.map(toProtoConsent), pageInfo };
    }),

    listConsentHistory: rpc("ListConsentHistory", async (request: consentV1.ListConsentHistoryRequest, { identity }) => {
      const { items, pageInfo } = await deps.ledger.history(identity.tenantId, request);
      return { entries: items.map(toProtoEntry), pageInfo };
    }),

    verifyLedger: rpc("VerifyLedger", async (_request: consentV1.VerifyLedgerRequest, { identity }) => {
      const result = await deps.ledger.verify(identity.tenantId);
      return {
        intact: result.intact,
        entriesChecked: String(result.checked),
        headSeq: String(result.headSeq),
        headHash: result.headHash,
        firstBreak: result.firstBreak && { ...result.firstBreak, seq: String(result.firstBreak.seq) },
      };
    }),

    checkConsents: rpc("CheckConsents", async (request: consentV1.CheckConsentsRequest, { identity }) => {
      requireId(request.purposeId, "purposeId");
      const channel = channels.toDomain(request.channel);
      if (!channel || channel === "any") throw ValidationError.field("channel", "is required: the channel to contact on (email, phone, sms or post)");
      if (request.subjects.length === 0 || request.subjects.length > MAX_CHECKED) throw ValidationError.field("subjects", `takes 1 to ${MAX_CHECKED} subjects`);
      const invalid = request.subjects.flatMap((subject, index) => (UUID_PATTERN.test(subject.subjectId) ? [] : [index])).slice(0, MAX_REPORTED);
      if (invalid.length > 0) throw new ValidationError(invalid.map((index) => ({ field: `subjects[${index}].subjectId`, description: "is not a contact id (a lower-case UUID)" })));
      const purpose = await deps.purposes.get(identity.tenantId, request.purposeId);
      const decisions = await deps.checks.check(identity.tenantId, purpose, channel, request.subjects);
      return { allowed: decisions.map((decision) => decision.allowed), reasons: decisions.map((decision) => checkReasons.toProto(decision.reason)) };
    }),
  };
}
