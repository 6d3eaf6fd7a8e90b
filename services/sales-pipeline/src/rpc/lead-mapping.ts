import { salesPipelineV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { ConversionRequest, Lead, LeadDraft } from "../domain/lead";
import { checkAmount } from "../domain/money";
import type { ScoreReason, ScoringRule } from "../domain/scoring";
import type { ScoreHistoryEntry } from "../store/lead.model";
import type { TenantRules } from "../store/scoring-rules-repository";
import { Violations } from "../domain/checks";

/** LeadInput paths an update may name, and the draft key each changes. */
export const LEAD_MASK: Record<string, keyof LeadDraft> = {
  name: "name",
  person: "person",
  company: "company",
  country: "country",
  source: "source",
  sourceDetail: "sourceDetail",
  status: "status",
  ownerId: "ownerId",
  tags: "tags",
  contactId: "contactId",
  disqualifyReason: "disqualifyReason",
};

const reason = (r: ScoreReason): salesPipelineV1.ScoreReason => ({ ruleId: r.ruleId, points: r.points, description: r.description, occurTime: r.occurredAt });

export function toProtoLead(lead: Lead): salesPipelineV1.Lead {
  const c = lead.conversion;
  return {
    id: lead.id,
    name: lead.name,
    person: lead.person,
    company: lead.company,
    country: lead.country,
    source: lead.source,
    sourceDetail: lead.sourceDetail,
    status: lead.status,
    ownerId: lead.ownerId,
    tags: lead.tags,
    score: lead.score,
    scoreReasons: lead.scoreReasons.map(reason),
    scoreTime: lead.scoredAt,
    contactId: lead.contactId,
    organizationId: lead.organizationId,
    dealId: lead.dealId,
    conversion: c
      ? { state: c.state, step: c.step, organizationId: c.organizationId, organizationReused: c.organizationReused, contactId: c.contactId, contactReused: c.contactReused, dealId: c.dealId, notes: c.notes, startTime: c.startedAt, completeTime: c.completedAt, error: c.error }
      : undefined,
    disqualifyReason: lead.disqualifyReason,
    createTime: lead.createdAt,
    updateTime: lead.updatedAt,
    createdBy: lead.createdBy,
    updatedBy: lead.updatedBy,
    etag: toEtag(lead.version),
  };
}

export function toLeadDraft(input: salesPipelineV1.LeadInput | undefined): LeadDraft {
  if (!input) throw ValidationError.field("lead", "is required");
  const person = salesPipelineV1.LeadPerson.fromPartial(input.person ?? {});
  const company = salesPipelineV1.LeadCompany.fromPartial(input.company ?? {});
  return { name: input.name, person, company, country: input.country, source: input.source, sourceDetail: input.sourceDetail, status: input.status, ownerId: input.ownerId, tags: input.tags, contactId: input.contactId, disqualifyReason: input.disqualifyReason };
}

export function toProtoHistory(entry: ScoreHistoryEntry): salesPipelineV1.ScoreChange {
  return { score: entry.score, previousScore: entry.previousScore, changeTime: entry.at, cause: entry.cause, reasons: entry.reasons.map(reason) };
}

export function toRules(rules: salesPipelineV1.ScoringRule[]): ScoringRule[] {
  return rules.map((rule) => ({ ...rule, type: rule.type as ScoringRule["type"] }));
}

export function toProtoRules({ rules, version, updatedAt }: TenantRules): salesPipelineV1.ScoringRules {
  return { rules, updateTime: updatedAt, etag: toEtag(version) };
}

/** What a conversion is asked to do, checked: an opportunity needs an amount in a real currency. */
export function toConversionRequest(request: salesPipelineV1.ConvertLeadRequest): ConversionRequest {
  const v = new Violations();
  const opportunity = request.opportunity ?? salesPipelineV1.OpportunityDraft.fromPartial({});
  const amount = request.createOpportunity ? checkAmount(opportunity.amount, "opportunity.amount", v.list) : undefined;
  const converted: ConversionRequest = {
    createOpportunity: request.createOpportunity,
    opportunity: {
      name: v.text(opportunity.name, "opportunity.name"),
      pipelineId: v.id(opportunity.pipelineId, "opportunity.pipelineId"),
      stageId: opportunity.stageId.trim(),
      amount,
      expectedCloseDate: v.date(opportunity.expectedCloseDate, "opportunity.expectedCloseDate"),
    },
    organizationId: v.id(request.organizationId, "organizationId"),
    contactId: v.id(request.contactId, "contactId"),
  };
  v.throwIfAny();
  return converted;
}
