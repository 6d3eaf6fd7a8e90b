import { salesPipelineV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, ownerOfNewRecord, PreconditionFailedError, requireId, type ServiceRuntime } from "@crm/kit";
import { draftOf, prepareLead } from "../domain/lead";
import { prepareRules } from "../domain/scoring";
import type { LeadRepository } from "../store/lead-repository";
import type { LeadScoring } from "../store/lead-scoring";
import type { ScoringRulesRepository } from "../store/scoring-rules-repository";
import type { LeadConversions } from "./lead-conversion";
import { LEAD_MASK, toConversionRequest, toLeadDraft, toProtoHistory, toProtoLead, toProtoRules, toRules } from "./lead-mapping";
import { requireCurrent, requireRequestId } from "./preconditions";

type Handlers = Pick<
  salesPipelineV1.SalesPipelineServiceServer,
  "createLead" | "getLead" | "listLeads" | "updateLead" | "listLeadScoreHistory" | "convertLead" | "getScoringRules" | "setScoringRules"
>;

export interface LeadHandlerDependencies {
  leads: LeadRepository;
  scoring: LeadScoring;
  rules: ScoringRulesRepository;
  conversions: LeadConversions;
  /** Wakes the sweeps (the rules changed: every lead is to be scored again). */
  wakeSweeps(): void;
}

/** Leads, their scores and rules, and conversion: proto in, checked, stored or read, proto out. */
export function leadHandlers(rpc: ServiceRuntime["rpc"], { leads, scoring, rules, conversions, wakeSweeps }: LeadHandlerDependencies): Handlers {
  return {
    createLead: rpc("CreateLead", async (request: salesPipelineV1.CreateLeadRequest, { identity }) => {
      requireRequestId(request.requestId);
      const draft = toLeadDraft(request.lead);
      const fields = prepareLead({ ...draft, ownerId: ownerOfNewRecord(draft.ownerId) });
      const score = await scoring.score(identity.tenantId, fields);
      return { lead: toProtoLead(await leads.create(actorOf(identity), fields, request.requestId, { score, cause: "created" })) };
    }),

    getLead: rpc("GetLead", async (request: salesPipelineV1.GetLeadRequest, { identity }) => {
      requireId(request.id, "id");
      return { lead: toProtoLead(await leads.get(identity.tenantId, request.id)) };
    }),

    listLeads: rpc("ListLeads", async (request: salesPipelineV1.ListLeadsRequest, { identity }) => {
      const { items, pageInfo } = await leads.list(identity.tenantId, request);
      return { leads: items.map(toProtoLead), pageInfo };
    }),

    updateLead: rpc("UpdateLead", async (request: salesPipelineV1.UpdateLeadRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await leads.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "lead");
      if (current.status === "converted" || current.conversion) throw new PreconditionFailedError(`lead ${current.id} is ${current.conversion?.state === "completed" ? "converted" : "being converted"}: its records live in contacts now`);
      const { draft } = applyFieldMask(request.updateMask ?? [], LEAD_MASK, draftOf(current), toLeadDraft(request.lead), "a lead");
      const fields = prepareLead(draft, current);
      const score = await scoring.score(identity.tenantId, fields);
      return { lead: toProtoLead(await leads.update(actorOf(identity), current, fields, { score, cause: "updated" })) };
    }),

    listLeadScoreHistory: rpc("ListLeadScoreHistory", async (request: salesPipelineV1.ListLeadScoreHistoryRequest, { identity }) => {
      requireId(request.leadId, "leadId");
      return { changes: (await leads.scoreHistory(identity.tenantId, request.leadId)).map(toProtoHistory) };
    }),

    convertLead: rpc("ConvertLead", async (request: salesPipelineV1.ConvertLeadRequest, { identity }) => {
      requireId(request.leadId, "leadId");
      return { lead: toProtoLead(await conversions.convert(identity, request.leadId, toConversionRequest(request))) };
    }),

    getScoringRules: rpc("GetScoringRules", async (_request: salesPipelineV1.GetScoringRulesRequest, { identity }) => {
      return { rules: toProtoRules(await rules.get(identity.tenantId)) };
    }),

    setScoringRules: rpc("SetScoringRules", async (request: salesPipelineV1.SetScoringRulesRequest, { identity }) => {
      const prepared = prepareRules(toRules(request.rules));
      const stored = await rules.set(actorOf(identity), prepared, etagVersion(request.etag));
      await leads.rescoreAll(identity.tenantId, new Date());
      wakeSweeps();
      return { rules: toProtoRules(stored) };
    }),
  };
}
