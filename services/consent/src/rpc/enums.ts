import { consentV1 } from "@crm/proto";

/**
 * A proto enum (CHANNEL_EMAIL = 1) as the domain's names ("email"): the zero value is "" (not
 * given), and a name the domain knows maps back to its number.
 */
function enumNames<N extends string>(values: Record<string, string | number>, prefix: string) {
  const byNumber = new Map<number, N>();
  const byName = new Map<string, number>();
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== "number" || value === 0) continue;
    const domain = name.slice(prefix.length).toLowerCase() as N;
    byNumber.set(value, domain);
    byName.set(domain, value);
  }
  return {
    toDomain: (value: number): N | "" => byNumber.get(value) ?? "",
    toProto: (name: string): number => byName.get(name) ?? 0,
  };
}

export const channels = enumNames<"email" | "phone" | "sms" | "post" | "any">(consentV1.Channel, "CHANNEL_");
export const actions = enumNames<"grant" | "withdraw">(consentV1.ConsentAction, "CONSENT_ACTION_");
export const sources = enumNames<"form" | "import" | "api" | "unsubscribe_link" | "agent" | "merge">(consentV1.ConsentSource, "CONSENT_SOURCE_");
export const statuses = enumNames<"granted" | "withdrawn">(consentV1.ConsentStatus, "CONSENT_STATUS_");
export const lawfulBases = enumNames<"consent" | "contract" | "legitimate_interest" | "legal_obligation" | "vital_interest" | "public_task">(consentV1.LawfulBasis, "LAWFUL_BASIS_");
export const optModes = enumNames<"opt_in" | "opt_out">(consentV1.OptMode, "OPT_MODE_");
export const checkReasons = enumNames<"granted" | "not_objected" | "no_consent" | "withdrawn" | "expired" | "renewal_required" | "suppressed">(consentV1.CheckReason, "CHECK_REASON_");
export const suppressionTypes = enumNames<"email" | "phone">(consentV1.SuppressionType, "SUPPRESSION_TYPE_");
export const requestKinds = enumNames<"access" | "erasure">(consentV1.SubjectRequestKind, "SUBJECT_REQUEST_KIND_");
export const requestStatuses = enumNames<"in_progress" | "completed">(consentV1.SubjectRequestStatus, "SUBJECT_REQUEST_STATUS_");
