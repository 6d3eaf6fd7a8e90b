import { marketingCampaignV1 } from "@crm/proto";
import { ValidationError } from "@crm/kit";

/**
 * Proto enums <-> the domain's names: BEHAVIOUR_KIND_PURCHASED_PRODUCT <-> purchased_product.
 * Unspecified maps to "" (the domain refuses it where a value is required, or takes its default).
 */
function enumNames<E extends Record<string, string | number>>(values: E, prefix: string) {
  return {
    toName(value: number): string {
      const name = (values as Record<number, string>)[value];
      return name && name !== `${prefix}UNSPECIFIED` ? name.slice(prefix.length).toLowerCase() : "";
    },
    fromName(name: string, field: string): E[keyof E] {
      const value = (values as Record<string, number>)[`${prefix}${name.toUpperCase()}`];
      if (value === undefined) throw ValidationError.field(field, `is not a known value: ${name}`);
      return value as E[keyof E];
    },
  };
}

export const behaviourKinds = enumNames(marketingCampaignV1.BehaviourKind, "BEHAVIOUR_KIND_");
export const segmentKinds = enumNames(marketingCampaignV1.SegmentKind, "SEGMENT_KIND_");
export const channels = enumNames(marketingCampaignV1.CampaignChannel, "CAMPAIGN_CHANNEL_");
export const statuses = enumNames(marketingCampaignV1.CampaignStatus, "CAMPAIGN_STATUS_");
export const responseTypes = enumNames(marketingCampaignV1.ResponseType, "RESPONSE_TYPE_");
export const bounceKinds = enumNames(marketingCampaignV1.BounceKind, "BOUNCE_KIND_");
export const outcomes = enumNames(marketingCampaignV1.ResponseOutcome, "RESPONSE_OUTCOME_");
