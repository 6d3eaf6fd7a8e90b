import { PreconditionFailedError, UUID_PATTERN, ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import { templateFields } from "./template";

export const CHANNELS = ["email", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];
export const CAMPAIGN_STATUSES = ["draft", "scheduled", "sending", "paused", "sent", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const MAX_NAME = 200;
const MAX_SUBJECT = 300;
const MAX_BODY = 100_000;
const MAX_SMS = 1_600;
const MAX_VARIANTS = 5;

export interface Variant {
  key: string;
  /** Percent of the audience. */
  weight: number;
  subject: string;
  body: string;
}

/** What a client writes. */
export interface CampaignDraft {
  name: string;
  purposeId: string;
  channel: string;
  segmentId: string;
  variants: Variant[];
  fallbacks: Record<string, string>;
  fromAddress: string;
}

export interface CampaignFields {
  name: string;
  purposeId: string;
  channel: Channel;
  segmentId: string;
  variants: Variant[];
  fallbacks: Record<string, string>;
  fromAddress: string;
}

/** How many recipients were left out, by reason (domain/audience.ts). */
export type ExclusionCounts = Record<string, number>;

export interface Campaign extends CampaignFields, RecordAudit {
  id: string;
  tenantId: string;
  status: CampaignStatus;
  scheduledAt?: Date | undefined;
  timeZone: string;
  sendStartedAt?: Date | undefined;
  sendEndedAt?: Date | undefined;
  audienceBuilt: boolean;
  audience: number;
  sent: number;
  excluded: ExclusionCounts;
}

/** The rules every create and update follows; every problem is reported at once. */
export function prepareCampaign(draft: CampaignDraft): CampaignFields {
  const violations: FieldViolation[] = [];
  const check = (field: string, fn: () => void) => {
    try {
      fn();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      violations.push(...error.violations.map((violation) => ({ ...violation, field: violation.field || field })));
    }
  };
  const name = draft.name.trim().replace(/\s+/g, " ");
  if (!name) violations.push({ field: "campaign.name", description: "is required" });
  if (name.length > MAX_NAME) violations.push({ field: "campaign.name", description: `must be at most ${MAX_NAME} characters` });
  if (!UUID_PATTERN.test(draft.purposeId)) violations.push({ field: "campaign.purposeId", description: "is required: the id of a consent purpose" });
  if (!UUID_PATTERN.test(draft.segmentId)) violations.push({ field: "campaign.segmentId", description: "is required: the id of a segment" });
  const channel = draft.channel as Channel;
  if (!CHANNELS.includes(channel)) violations.push({ field: "campaign.channel", description: `must be one of ${CHANNELS.join(", ")}` });
  const fromAddress = draft.fromAddress.trim();
  if (fromAddress.length > 320) violations.push({ field: "campaign.fromAddress", description: "must be at most 320 characters" });
  if (/[\r\n]/.test(fromAddress)) violations.push({ field: "campaign.fromAddress", description: "must be one line" });

  const variants = draft.variants.map((variant) => ({ ...variant, key: variant.key.trim().toLowerCase() }));
  if (variants.length === 0) violations.push({ field: "campaign.variants", description: "needs at least one variant" });
  if (variants.length > MAX_VARIANTS) violations.push({ field: "campaign.variants", description: `takes at most ${MAX_VARIANTS} variants` });
  const keys = new Set<string>();
  variants.forEach((variant, index) => {
    const at = `campaign.variants[${index}]`;
    if (!/^[a-z0-9]{1,10}$/.test(variant.key)) violations.push({ field: `${at}.key`, description: "must be 1 to 10 lower-case letters or digits" });
    else if (keys.has(variant.key)) violations.push({ field: `${at}.key`, description: "is used by another variant" });
    keys.add(variant.key);
    if (!Number.isInteger(variant.weight) || variant.weight < 1 || variant.weight > 100) violations.push({ field: `${at}.weight`, description: "must be 1 to 100 (percent)" });
    if (!variant.body.trim()) violations.push({ field: `${at}.body`, description: "is required" });
    const maxBody = channel === "sms" ? MAX_SMS : MAX_BODY;
    if (variant.body.length > maxBody) violations.push({ field: `${at}.body`, description: `must be at most ${maxBody} characters` });
    if (channel === "email" && !variant.subject.trim()) violations.push({ field: `${at}.subject`, description: "is required for e-mail" });
    if (variant.subject.length > MAX_SUBJECT || /[\r\n]/.test(variant.subject)) violations.push({ field: `${at}.subject`, description: `must be one line of at most ${MAX_SUBJECT} characters` });
    check(`${at}.body`, () => templateFields(variant.body, `${at}.body`));
    check(`${at}.subject`, () => templateFields(variant.subject, `${at}.subject`));
  });
  const total = variants.reduce((sum, variant) => sum + (Number.isInteger(variant.weight) ? variant.weight : 0), 0);
  if (variants.length > 0 && total !== 100) violations.push({ field: "campaign.variants", description: `weights must add up to 100 (they add up to ${total})` });

  const fallbacks = Object.fromEntries(Object.entries(draft.fallbacks).map(([field, value]) => [field.trim(), value.trim()]));
  for (const [field, value] of Object.entries(fallbacks)) {
    check(`campaign.fallbacks.${field}`, () => templateFields(`{{${field}}}`, `campaign.fallbacks.${field}`));
    if (value.length > 200) violations.push({ field: `campaign.fallbacks.${field}`, description: "must be at most 200 characters" });
  }
  if (violations.length > 0) throw new ValidationError(violations);
  return { name, purposeId: draft.purposeId, channel, segmentId: draft.segmentId, variants, fallbacks, fromAddress };
}

/** The personalisation fields any variant of the campaign uses: what each recipient's snapshot keeps. */
export function fieldsUsed(campaign: Pick<CampaignFields, "variants">): string[] {
  return [...new Set(campaign.variants.flatMap((variant) => [...templateFields(variant.subject, "subject"), ...templateFields(variant.body, "body")]))];
}

/** What each action may start from; anything else is FAILED_PRECONDITION, naming the status. */
const TRANSITIONS: Record<string, { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  edit: { from: ["draft"], to: "draft" },
  schedule: { from: ["draft", "scheduled"], to: "scheduled" },
  send: { from: ["draft", "scheduled"], to: "sending" },
  pause: { from: ["sending", "scheduled"], to: "paused" },
  resume: { from: ["paused"], to: "sending" },
  cancel: { from: ["draft", "scheduled", "sending", "paused"], to: "cancelled" },
};

export type CampaignAction = keyof typeof TRANSITIONS;

/** The status an action leads to from the campaign's current one. */
export function transition(campaign: Pick<Campaign, "id" | "status">, action: CampaignAction): CampaignStatus {
  const rule = TRANSITIONS[action]!;
  if (!rule.from.includes(campaign.status)) {
    throw new PreconditionFailedError(`campaign ${campaign.id} is ${campaign.status}: it cannot ${action === "edit" ? "be edited" : action} (only from ${rule.from.join(", ")})`);
  }
  return rule.to;
}

/** A paused campaign resumes where it was: sending again, or scheduled if it had not started. */
export function resumedStatus(campaign: Pick<Campaign, "sendStartedAt">): CampaignStatus {
  return campaign.sendStartedAt ? "sending" : "scheduled";
}
