import { consentV1 } from "@crm/proto";
import { z } from "zod";

/**
 * A proto enum (CHANNEL_EMAIL) in REST's lower-case names ("email"): the zod enum that
 * validates and documents them, and the conversions both ways. The zero value is not a name.
 */
export function protoEnum<E extends Record<string, string | number>>(values: E, prefix: string, description: string) {
  const names = Object.entries(values)
    .filter(([, value]) => typeof value === "number" && value !== 0)
    .map(([name]) => name.slice(prefix.length).toLowerCase()) as [string, ...string[]];
  return {
    schema: z.enum(names).describe(description),
    toProto: (name: string | undefined): number => (name ? (values[`${prefix}${name.toUpperCase()}` as keyof E] as number) : 0),
    fromProto: (value: number): string => (value ? String(values[value as unknown as keyof E]).slice(prefix.length).toLowerCase() : ""),
  };
}

export const channel = protoEnum(consentV1.Channel, "CHANNEL_", "email, phone, sms, post, or any (every channel; the later of an any and a channel's own record decides)");
export const action = protoEnum(consentV1.ConsentAction, "CONSENT_ACTION_", "grant or withdraw");
export const source = protoEnum(consentV1.ConsentSource, "CONSENT_SOURCE_", "Where it came from (merge: written by the service when contacts are merged)");
export const status = protoEnum(consentV1.ConsentStatus, "CONSENT_STATUS_", "granted or withdrawn");
export const lawfulBasis = protoEnum(consentV1.LawfulBasis, "LAWFUL_BASIS_", "Article 6 GDPR");
export const optMode = protoEnum(consentV1.OptMode, "OPT_MODE_", "opt_in: no contact without a grant; opt_out: contact until the subject objects");
export const checkReason = protoEnum(consentV1.CheckReason, "CHECK_REASON_", "Why the subject may or may not be contacted");
export const suppressionType = protoEnum(consentV1.SuppressionType, "SUPPRESSION_TYPE_", "email or phone");
export const requestKind = protoEnum(consentV1.SubjectRequestKind, "SUBJECT_REQUEST_KIND_", "access (an export of everything held) or erasure");
export const requestStatus = protoEnum(consentV1.SubjectRequestStatus, "SUBJECT_REQUEST_STATUS_", "in_progress or completed");

/** A date as the API answers it: ISO 8601, or null when there is none. */
export const iso = (date: Date | undefined) => date?.toISOString() ?? null;
export const dateOut = z.string().nullable().describe("ISO 8601");
