import { commonV1, marketingCampaignV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { BehaviourCondition } from "../domain/behaviour";
import type { Segment, SegmentDraft } from "../domain/segment";
import { behaviourKinds, segmentKinds } from "./enums";

export function toSegmentDraft(input: marketingCampaignV1.SegmentInput | undefined): SegmentDraft {
  if (!input) throw ValidationError.field("segment", "is required");
  return {
    name: input.name,
    description: input.description,
    kind: segmentKinds.toName(input.kind),
    filterJson: input.filter ? JSON.stringify(commonV1.Filter.toJSON(input.filter)) : "",
    behaviour: input.behaviour.map((condition) => ({
      kind: behaviourKinds.toName(condition.kind),
      sku: condition.sku,
      amount: condition.amount,
      stageId: condition.stageId,
      count: condition.count,
      withinDays: condition.withinDays,
      campaignId: condition.campaignId,
      negate: condition.negate,
    })),
    contactIds: input.contactIds,
  };
}

function toProtoCondition(condition: BehaviourCondition): marketingCampaignV1.BehaviourCondition {
  return marketingCampaignV1.BehaviourCondition.fromPartial({
    kind: behaviourKinds.fromName(condition.kind, "kind"),
    negate: condition.negate,
    ...(condition.kind === "purchased_product" ? { sku: condition.sku } : {}),
    ...(condition.kind === "lifetime_value_over" ? { amount: { currencyCode: condition.amount.currency, amountMinor: String(condition.amount.amountMinor) } } : {}),
    ...(condition.kind === "open_deal_in_stage" ? { stageId: condition.stageId } : {}),
    ...(condition.kind === "tickets_over" ? { count: condition.count, withinDays: condition.withinDays } : {}),
    ...(condition.kind === "responded_to_campaign" ? { campaignId: condition.campaignId } : {}),
  });
}

export function toProtoSegment(segment: Segment): marketingCampaignV1.Segment {
  return {
    id: segment.id,
    name: segment.name,
    description: segment.description,
    kind: segmentKinds.fromName(segment.kind, "kind"),
    filter: segment.filterJson ? commonV1.Filter.fromJSON(JSON.parse(segment.filterJson)) : undefined,
    behaviour: segment.behaviour.map(toProtoCondition),
    contactIds: segment.contactIds,
    createTime: segment.createdAt,
    updateTime: segment.updatedAt,
    createdBy: segment.createdBy,
    etag: toEtag(segment.version),
  };
}
