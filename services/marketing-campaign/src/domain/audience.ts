import { createHash } from "node:crypto";
import type { Channel, Variant } from "./campaign";

/** Why a member of the segment is not sent to, in the order they are checked. */
export const EXCLUSION_REASONS = [
  "no_address",
  "do_not_contact",
  "hard_bounced",
  "suppressed",
  "no_consent",
  "consent_withdrawn",
  "consent_expired",
  "renewal_required",
  // Erased (a data-subject request) after the snapshot, before its message was sent.
  "erased",
  // Merged into another recipient of the same campaign before its message was sent.
  "duplicate",
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** A contact as the audience needs it (from the contacts service's stream). */
export interface AudienceContact {
  id: string;
  emails: Array<{ address: string; primary: boolean }>;
  phones: Array<{ number: string; type: string; primary: boolean }>;
  doNotEmail: boolean;
  /** do_not_call: no calls, and no text messages either. */
  doNotCall: boolean;
  /** Personalisation values by field name (template.ts). */
  values: Record<string, string>;
}

/** The address a channel reaches a contact at: the primary e-mail; a mobile (else primary) phone for SMS. */
export function channelAddress(contact: AudienceContact, channel: Channel): string | undefined {
  if (channel === "email") {
    const email = contact.emails.find((item) => item.primary) ?? contact.emails[0];
    return email?.address || undefined;
  }
  const phone = contact.phones.find((item) => item.type === "mobile" && item.primary) ?? contact.phones.find((item) => item.type === "mobile") ?? contact.phones.find((item) => item.primary) ?? contact.phones[0];
  return phone?.number || undefined;
}

/**
 * The first checks, on the contact alone (before the consent service is asked): an address on
 * the channel, and the contact's own do-not flags. Undefined: ask the consent service.
 */
export function screenContact(contact: AudienceContact, channel: Channel): { address: string } | { reason: ExclusionReason } {
  const address = channelAddress(contact, channel);
  if (!address) return { reason: "no_address" };
  if (channel === "email" ? contact.doNotEmail : contact.doNotCall) return { reason: "do_not_contact" };
  return { address };
}

/** The consent service's CheckReason names (crm.consent.v1.CheckReason) mapped to exclusions; allowed ones to none. */
export function consentExclusion(reason: string): ExclusionReason | undefined {
  switch (reason) {
    case "CHECK_REASON_GRANTED":
    case "CHECK_REASON_NOT_OBJECTED":
      return undefined;
    case "CHECK_REASON_SUPPRESSED":
      return "suppressed";
    case "CHECK_REASON_WITHDRAWN":
      return "consent_withdrawn";
    case "CHECK_REASON_EXPIRED":
      return "consent_expired";
    case "CHECK_REASON_RENEWAL_REQUIRED":
      return "renewal_required";
    default:
      return "no_consent";
  }
}

/**
 * The variant a contact gets: a stable hash of campaign and contact picks a point in 0..99,
 * and the variants' weights share that range in order. Stable, so that a rebuilt audience (after
 * a crash) splits the same way.
 */
export function assignVariant(campaignId: string, contactId: string, variants: readonly Pick<Variant, "key" | "weight">[]): string {
  const point = createHash("sha256").update(`${campaignId}|${contactId}`).digest().readUInt32BE(0) % 100;
  let upTo = 0;
  for (const variant of variants) {
    upTo += variant.weight;
    if (point < upTo) return variant.key;
  }
  return variants[variants.length - 1]!.key;
}

/**
 * The message id of a campaign's message to a contact: a UUID (version 8) derived from both, so
 * that however often a send is retried or an audience rebuilt, one recipient has one message id,
 * which providers and the outbox folder use to send it once.
 */
export function messageIdOf(tenantId: string, campaignId: string, contactId: string): string {
  const hex = createHash("sha256").update(`${tenantId}|${campaignId}|${contactId}`).digest("hex");
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Exclusion counts with every reason present (0 when none), in the order reasons are checked. */
export function fullExclusionCounts(counts: Readonly<Record<string, number>>): Array<{ reason: ExclusionReason; count: number }> {
  return EXCLUSION_REASONS.map((reason) => ({ reason, count: counts[reason] ?? 0 }));
}
