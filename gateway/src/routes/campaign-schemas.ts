import { commonV1, marketingCampaignV1 } from "@crm/proto";
import { z } from "zod";
import { parseFilter } from "../query/filter-parser";
import { dateOut, iso, protoEnum } from "./consent-schemas";
import { idSchema } from "./schemas";

/**
 * The longest bodies these schemas allow (10 000 static members, five 100 000-character
 * variants), every character JSON-escaped (`\uXXXX`, six bytes per UTF-16 unit), are over the
 * gateway's default limit: valid bodies must not meet a 413.
 */
export const CAMPAIGN_BODY_LIMIT = 4 * 1024 * 1024;

// The REST shapes of marketing-campaign's resources: segments, campaigns, their figures, sent
// messages and settings; and their conversions from and to crm.marketing_campaign.v1.

export const segmentKind = protoEnum(marketingCampaignV1.SegmentKind, "SEGMENT_KIND_", "dynamic (contacts matching the filter and behaviour at send time) or static (the listed contacts)");
export const behaviourKind = protoEnum(
  marketingCampaignV1.BehaviourKind,
  "BEHAVIOUR_KIND_",
  "purchased_product (sku), lifetime_value_over (amount), open_deal_in_stage (stageId), tickets_over (count, withinDays), responded_to_campaign (campaignId)",
);
export const campaignChannel = protoEnum(marketingCampaignV1.CampaignChannel, "CAMPAIGN_CHANNEL_", "email or sms");
export const campaignStatus = protoEnum(marketingCampaignV1.CampaignStatus, "CAMPAIGN_STATUS_", "draft, scheduled, sending, paused, sent or cancelled");
export const responseType = protoEnum(marketingCampaignV1.ResponseType, "RESPONSE_TYPE_", "What the provider reports");
export const bounceKind = protoEnum(marketingCampaignV1.BounceKind, "BOUNCE_KIND_", "soft, hard, or auto_reply (an out-of-office: not a bounce)");
export const responseOutcome = protoEnum(marketingCampaignV1.ResponseOutcome, "RESPONSE_OUTCOME_", "recorded, duplicate (this event id was recorded before), unknown_message or ignored (an automatic reply)");

const moneySchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR").describe("ISO 4217"),
    amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("In minor units (EUR 12.50 is 1250)"),
  })
  .strict();

const behaviourSchema = z
  .object({
    kind: behaviourKind.schema,
    sku: z.string().max(100).optional(),
    amount: moneySchema.optional(),
    stageId: z.string().max(100).optional(),
    count: z.number().int().min(0).max(1_000_000).optional(),
    withinDays: z.number().int().min(0).max(3_650).optional().describe("tickets_over: only tickets opened in these last days (0: ever)"),
    campaignId: z.string().max(100).optional(),
    negate: z.boolean().optional().describe("True: the contact must not match"),
  })
  .strict();

const segmentFields = {
  name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied"),
  description: z.string().max(2_000).optional(),
  filter: z.string().max(4_000).optional().describe("Over contacts, in the list routes' language: and(tags[eq]:vip,country[in]:[PL,RO])"),
  behaviour: z.array(behaviourSchema).max(10).optional().describe("Conditions on what the contact did, all of which must hold"),
  contactIds: z.array(idSchema).max(10_000).optional().describe("Static segments: the members"),
};

export const newSegmentSchema = z.object({ ...segmentFields, kind: segmentKind.schema.optional().describe("Default dynamic") }).strict();
export const segmentPatchSchema = z
  .object({ name: segmentFields.name.optional(), description: segmentFields.description, filter: segmentFields.filter, behaviour: segmentFields.behaviour, contactIds: segmentFields.contactIds })
  .strict();
export const segmentPreviewSchema = newSegmentSchema.extend({ sampleSize: z.number().int().min(1).max(50).optional() }).strict();

const behaviourOut = z.object({
  kind: z.string(),
  sku: z.string().optional(),
  amount: z.object({ currency: z.string(), amountMinor: z.number() }).optional(),
  stageId: z.string().optional(),
  count: z.number().optional(),
  withinDays: z.number().optional(),
  campaignId: z.string().optional(),
  negate: z.boolean(),
});

export const segmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  kind: z.string(),
  filter: z.string().nullable(),
  behaviour: z.array(behaviourOut),
  contactIds: z.array(z.string()),
  createdBy: z.string(),
  createdAt: dateOut,
  updatedAt: dateOut,
});

export const previewSchema = z.object({
  size: z.number().describe("Members now, before the consent and address checks a send applies"),
  sample: z.array(z.object({ contactId: z.string(), displayName: z.string(), email: z.string() })),
  contactsScanned: z.number(),
});

/** A segment's input in the service's terms (the filter parsed into its tree). */
export function toSegmentInput(body: Partial<z.output<typeof newSegmentSchema>>): marketingCampaignV1.SegmentInput {
  return {
    name: body.name ?? "",
    description: body.description ?? "",
    kind: segmentKind.toProto(body.kind),
    filter: body.filter ? parseFilter(body.filter) : undefined,
    behaviour: (body.behaviour ?? []).map((condition) =>
      marketingCampaignV1.BehaviourCondition.fromPartial({
        kind: behaviourKind.toProto(condition.kind),
        sku: condition.sku ?? "",
        amount: condition.amount ? { currencyCode: condition.amount.currency, amountMinor: String(condition.amount.amountMinor) } : undefined,
        stageId: condition.stageId ?? "",
        count: condition.count ?? 0,
        withinDays: condition.withinDays ?? 0,
        campaignId: condition.campaignId ?? "",
        negate: condition.negate ?? false,
      }),
    ),
    contactIds: body.contactIds ?? [],
  };
}

const COMPARATOR_NAMES: Record<number, string> = {
  [commonV1.Comparator.COMPARATOR_EQ]: "eq", [commonV1.Comparator.COMPARATOR_NEQ]: "neq", [commonV1.Comparator.COMPARATOR_IN]: "in", [commonV1.Comparator.COMPARATOR_NIN]: "nin",
  [commonV1.Comparator.COMPARATOR_GT]: "gt", [commonV1.Comparator.COMPARATOR_GTE]: "gte", [commonV1.Comparator.COMPARATOR_LT]: "lt", [commonV1.Comparator.COMPARATOR_LTE]: "lte",
  [commonV1.Comparator.COMPARATOR_STARTS_WITH]: "startsWith", [commonV1.Comparator.COMPARATOR_EXISTS]: "exists",
};
const quote = (value: string) => `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

/** A filter tree back in the list routes' language (the parser reads it back to the same tree). */
export function formatFilter(filter: commonV1.Filter | undefined): string | null {
  const node = filter?.node;
  if (!node) return null;
  switch (node.$case) {
    case "and":
    case "or": {
      const children = (node.$case === "and" ? node.and : node.or).filters.map((child) => formatFilter(child) ?? "");
      return `${node.$case}(${children.join(",")})`;
    }
    case "condition": {
      const { field, comparator, values } = node.condition;
      const name = COMPARATOR_NAMES[comparator] ?? "eq";
      const value = name === "in" || name === "nin" ? `[${values.map(quote).join(",")}]` : quote(values[0] ?? "");
      return `${field}[${name}]:${value}`;
    }
  }
}

export function toRestSegment(segment: marketingCampaignV1.Segment | undefined): z.output<typeof segmentSchema> {
  if (!segment) throw new Error("the marketing-campaign service answered without a segment");
  return {
    id: segment.id,
    name: segment.name,
    description: segment.description,
    kind: segmentKind.fromProto(segment.kind),
    filter: formatFilter(segment.filter),
    behaviour: segment.behaviour.map((condition) => {
      const kind = behaviourKind.fromProto(condition.kind);
      return {
        kind,
        negate: condition.negate,
        ...(kind === "purchased_product" ? { sku: condition.sku } : {}),
        ...(kind === "lifetime_value_over" && condition.amount ? { amount: { currency: condition.amount.currencyCode, amountMinor: Number(condition.amount.amountMinor) } } : {}),
        ...(kind === "open_deal_in_stage" ? { stageId: condition.stageId } : {}),
        ...(kind === "tickets_over" ? { count: condition.count, withinDays: condition.withinDays } : {}),
        ...(kind === "responded_to_campaign" ? { campaignId: condition.campaignId } : {}),
      };
    }),
    contactIds: segment.contactIds,
    createdBy: segment.createdBy,
    createdAt: iso(segment.createTime),
    updatedAt: iso(segment.updateTime),
  };
}

const variantSchema = z
  .object({
    key: z.string().regex(/^[a-z0-9]{1,10}$/, "must be 1 to 10 lower-case letters or digits").describe("a, b..."),
    weight: z.number().int().min(1).max(100).describe("Percent of the audience; a campaign's weights add up to 100"),
    subject: z.string().max(300).optional().describe("E-mail subject (a template too); required for e-mail"),
    body: z.string().min(1).max(100_000).describe("Template: {{givenName}}, {{familyName|there}} (fallback after the bar), {{custom.tier}}"),
  })
  .strict();

const campaignFields = {
  name: z.string().max(200).regex(/\S/, "is required").describe("Spacing is tidied"),
  purposeId: idSchema.describe("The consent purpose it is sent under"),
  channel: campaignChannel.schema,
  segmentId: idSchema,
  variants: z.array(variantSchema).min(1).max(5).describe("A/B variants; one with weight 100 for none"),
  fallbacks: z.record(z.string().max(60), z.string().max(200)).refine((record) => Object.keys(record).length <= 50, "takes at most 50 fields").optional().describe("Value of a personalisation field a contact lacks, by field (givenName: 'there')"),
  fromAddress: z.string().max(320).optional().describe('For e-mail: the sender, e.g. "Acme <news@acme.example>"'),
};

export const newCampaignSchema = z.object(campaignFields).strict();
export const campaignPatchSchema = z
  .object({
    name: campaignFields.name.optional(), purposeId: campaignFields.purposeId.optional(), channel: campaignFields.channel.optional(), segmentId: campaignFields.segmentId.optional(),
    variants: campaignFields.variants.optional(), fallbacks: campaignFields.fallbacks, fromAddress: campaignFields.fromAddress,
  })
  .strict();
export const scheduleSchema = z
  .object({
    localTime: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, "must be YYYY-MM-DDTHH:MM[:SS]").describe("Wall-clock time in timeZone"),
    timeZone: z.string().min(1).max(64).describe("IANA, e.g. Europe/Warsaw"),
  })
  .strict();

const exclusionsSchema = z.record(z.string(), z.number()).describe("By reason: no_address, do_not_contact, hard_bounced, suppressed, no_consent, consent_withdrawn, consent_expired, renewal_required, erased");

export const campaignSchema = z.object({
  id: z.string(),
  name: z.string(),
  purposeId: z.string(),
  channel: z.string(),
  segmentId: z.string(),
  variants: z.array(z.object({ key: z.string(), weight: z.number(), subject: z.string(), body: z.string() })),
  fallbacks: z.record(z.string(), z.string()),
  fromAddress: z.string(),
  status: z.string().describe("draft, scheduled, sending, paused, sent or cancelled"),
  scheduledAt: dateOut,
  timeZone: z.string(),
  sendStartedAt: dateOut,
  sendEndedAt: dateOut,
  audienceBuilt: z.boolean().describe("True once the audience snapshot is complete"),
  audience: z.number().describe("Members of the segment when the audience was built"),
  sent: z.number(),
  excluded: exclusionsSchema,
  createdBy: z.string(),
  createdAt: dateOut,
  updatedAt: dateOut,
});

export function toCampaignInput(body: Partial<z.output<typeof newCampaignSchema>>): marketingCampaignV1.CampaignInput {
  return {
    name: body.name ?? "",
    purposeId: body.purposeId ?? "",
    channel: campaignChannel.toProto(body.channel),
    segmentId: body.segmentId ?? "",
    variants: (body.variants ?? []).map((variant) => ({ key: variant.key, weight: variant.weight, subject: variant.subject ?? "", body: variant.body })),
    fallbacks: body.fallbacks ?? {},
    fromAddress: body.fromAddress ?? "",
  };
}

const countsOf = (exclusions: marketingCampaignV1.ExclusionCount[]) => Object.fromEntries(exclusions.map((exclusion) => [exclusion.reason, Number(exclusion.count)]));

export function toRestCampaign(campaign: marketingCampaignV1.Campaign | undefined): z.output<typeof campaignSchema> {
  if (!campaign) throw new Error("the marketing-campaign service answered without a campaign");
  return {
    id: campaign.id,
    name: campaign.name,
    purposeId: campaign.purposeId,
    channel: campaignChannel.fromProto(campaign.channel),
    segmentId: campaign.segmentId,
    variants: campaign.variants.map(({ key, weight, subject, body }) => ({ key, weight, subject, body })),
    fallbacks: campaign.fallbacks,
    fromAddress: campaign.fromAddress,
    status: campaignStatus.fromProto(campaign.status),
    scheduledAt: iso(campaign.scheduleTime),
    timeZone: campaign.timeZone,
    sendStartedAt: iso(campaign.sendStartTime),
    sendEndedAt: iso(campaign.sendEndTime),
    audienceBuilt: campaign.audienceBuilt,
    audience: Number(campaign.audience),
    sent: Number(campaign.sent),
    excluded: countsOf(campaign.excluded),
    createdBy: campaign.createdBy,
    createdAt: iso(campaign.createTime),
    updatedAt: iso(campaign.updateTime),
  };
}

const figuresSchema = z.object({
  audience: z.number(),
  excluded: exclusionsSchema,
  sent: z.number(),
  delivered: z.number(),
  opened: z.number(),
  clicked: z.number(),
  bounced: z.number(),
  complained: z.number(),
  unsubscribed: z.number(),
  deliveryRate: z.number().describe("Share of sent, 0..1"),
  openRate: z.number(),
  clickRate: z.number(),
  bounceRate: z.number(),
  unsubscribeRate: z.number(),
  influencedDeals: z.number().describe("Deals won whose contacts responded (opened or clicked) before the win"),
  influencedAmounts: z.array(z.object({ currency: z.string(), amountMinor: z.number() })).describe("Their amounts, by currency"),
});

export const metricsSchema = z.object({ total: figuresSchema, variants: z.array(z.object({ key: z.string(), figures: figuresSchema })) });

function toRestFigures(figures: marketingCampaignV1.CampaignFigures | undefined): z.output<typeof figuresSchema> {
  const f = figures ?? marketingCampaignV1.CampaignFigures.fromPartial({});
  return {
    audience: Number(f.audience), excluded: countsOf(f.excluded), sent: Number(f.sent), delivered: Number(f.delivered), opened: Number(f.opened), clicked: Number(f.clicked),
    bounced: Number(f.bounced), complained: Number(f.complained), unsubscribed: Number(f.unsubscribed), deliveryRate: f.deliveryRate, openRate: f.openRate, clickRate: f.clickRate,
    bounceRate: f.bounceRate, unsubscribeRate: f.unsubscribeRate, influencedDeals: Number(f.influencedDeals),
    influencedAmounts: f.influencedAmounts.map((money) => ({ currency: money.currencyCode, amountMinor: Number(money.amountMinor) })),
  };
}

export function toRestMetrics(metrics: marketingCampaignV1.GetCampaignMetricsResponse): z.output<typeof metricsSchema> {
  return { total: toRestFigures(metrics.total), variants: metrics.variants.map((variant) => ({ key: variant.key, figures: toRestFigures(variant.figures) })) };
}

export const sentMessageSchema = z.object({
  messageId: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  variant: z.string(),
  channel: z.string(),
  contactId: z.string(),
  sentAt: dateOut,
  responses: z.array(z.object({ response: z.string().describe("delivered, opened, clicked, soft_bounced, hard_bounced, complained or unsubscribed"), url: z.string(), occurredAt: dateOut })),
});

export function toRestMessage(message: marketingCampaignV1.SentMessage): z.output<typeof sentMessageSchema> {
  return {
    messageId: message.messageId, campaignId: message.campaignId, campaignName: message.campaignName, variant: message.variant, channel: campaignChannel.fromProto(message.channel),
    contactId: message.contactId, sentAt: iso(message.sendTime), responses: message.responses.map((response) => ({ response: response.response, url: response.url, occurredAt: iso(response.occurTime) })),
  };
}

export const settingsSchema = z.object({
  sendRatePerSecond: z.number().describe("Messages per second the tenant's campaigns send at most, together"),
  softBounceLimit: z.number().describe("Soft bounces of one address within the window that suppress it"),
  softBounceWindowDays: z.number(),
});
export const settingsPatchSchema = z
  .object({
    sendRatePerSecond: z.number().int().min(1).max(10_000).optional(),
    softBounceLimit: z.number().int().min(1).max(100).optional(),
    softBounceWindowDays: z.number().int().min(1).max(365).optional(),
  })
  .strict();
