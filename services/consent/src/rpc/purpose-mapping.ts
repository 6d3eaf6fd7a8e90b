import { consentV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Purpose, PurposeDraft } from "../domain/purpose";
import { lawfulBases, optModes } from "./enums";

export function toProtoPurpose(purpose: Purpose): consentV1.Purpose {
  return {
    id: purpose.id,
    name: purpose.name,
    key: purpose.key,
    description: purpose.description,
    lawfulBasis: lawfulBases.toProto(purpose.lawfulBasis),
    retentionDays: purpose.retentionDays,
    consentValidityDays: purpose.consentValidityDays,
    optMode: optModes.toProto(purpose.optMode),
    notices: purpose.notices.map(({ version, text, requiresRenewal, publishedAt, publishedBy }) => ({ version, text, requiresRenewal, publishTime: publishedAt, publishedBy })),
    renewalRequiredFrom: purpose.renewalRequiredFrom,
    createTime: purpose.createdAt,
    updateTime: purpose.updatedAt,
    createdBy: purpose.createdBy,
    etag: toEtag(purpose.version),
  };
}

export function toPurposeDraft(input: consentV1.PurposeInput | undefined): PurposeDraft {
  if (!input) throw ValidationError.field("purpose", "is required");
  return {
    name: input.name,
    key: input.key,
    description: input.description,
    lawfulBasis: lawfulBases.toDomain(input.lawfulBasis),
    retentionDays: input.retentionDays,
    consentValidityDays: input.consentValidityDays,
    optMode: optModes.toDomain(input.optMode),
    noticeText: input.noticeText,
  };
}

/** The version an etag names (`W/"3"` -> 3); undefined for none (no check). */
export function versionOfEtag(etag: string): number | undefined {
  if (!etag) return undefined;
  const match = /^(?:W\/)?"(\d+)"$/.exec(etag.trim());
  if (!match) throw ValidationError.field("etag", 'is not an etag this API issued (e.g. W/"3")');
  return Number(match[1]);
}
