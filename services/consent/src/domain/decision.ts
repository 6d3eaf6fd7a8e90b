import type { Channel, ConsentStatus, ContactChannel } from "./consent";
import type { OptMode } from "./purpose";

/** Why a subject may or may not be contacted. */
export const CHECK_REASONS = ["granted", "not_objected", "no_consent", "withdrawn", "expired", "renewal_required", "suppressed"] as const;
export type CheckReason = (typeof CHECK_REASONS)[number];

/** The current consent of a subject on one channel, as checks need it. */
export interface ChannelState {
  status: ConsentStatus;
  /** The ledger entry it comes from: the later of two records is the one with the higher seq. */
  seq: number;
  noticeVersion: number;
  /** Epoch milliseconds; absent: never expires. */
  expiresAt?: number;
}

/** A subject's consents for one purpose, by channel (`any` included). */
export type SubjectStates = Partial<Record<Channel, ChannelState>>;

/** What of a purpose a check needs. */
export interface CheckPolicy {
  optMode: OptMode;
  renewalRequiredFrom: number;
}

export interface Decision {
  allowed: boolean;
  reason: CheckReason;
}

/**
 * Whether a subject may be contacted on a channel: a suppressed address never; otherwise the
 * later of the channel's own record and the `any` record decides. Without a record, an opt-out
 * purpose allows and an opt-in one does not. A grant that expired, or that was given under a
 * notice a later one requires to renew, counts as no record.
 */
export function decide(policy: CheckPolicy, states: SubjectStates, channel: ContactChannel, suppressed: boolean, now: number): Decision {
  if (suppressed) return { allowed: false, reason: "suppressed" };
  const own = states[channel];
  const any = states.any;
  const effective = own && any ? (own.seq > any.seq ? own : any) : (own ?? any);
  const fallback: Decision = policy.optMode === "opt_out" ? { allowed: true, reason: "not_objected" } : { allowed: false, reason: "no_consent" };
  if (!effective) return fallback;
  if (effective.status === "withdrawn") return { allowed: false, reason: "withdrawn" };
  if (effective.expiresAt !== undefined && effective.expiresAt <= now) return policy.optMode === "opt_out" ? fallback : { allowed: false, reason: "expired" };
  if (effective.noticeVersion < policy.renewalRequiredFrom) return policy.optMode === "opt_out" ? fallback : { allowed: false, reason: "renewal_required" };
  return { allowed: true, reason: "granted" };
}
