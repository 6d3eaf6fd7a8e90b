import { consentV1 } from "@crm/proto";
import { toEtag, ValidationError } from "@crm/kit";
import type { Purpose, PurposeDraft } from "../domain/purpose";

export function toProtoPurpose(purpose: Purpose): consentV1.Purpose {
  return {
    id: purpose.id,
    name: purpose.name,
    createTime: purpose.createdAt,
    updateTime: purpose.updatedAt,
    createdBy: purpose.createdBy,
    etag: toEtag(purpose.version),
  };
}

export function toPurposeDraft(input: consentV1.PurposeInput | undefined): PurposeDraft {
  if (!input) throw ValidationError.field("purpose", "is required");
  return { name: input.name };
}
