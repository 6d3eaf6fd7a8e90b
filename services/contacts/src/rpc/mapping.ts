import { contactsV1 } from "@crm/proto";
import { ValidationError } from "@crm/kit";
import type { Contact, ContactDraft, RelationshipType } from "../domain/contact";

const { RelationshipType: ProtoType } = contactsV1;

const TO_PROTO: Record<RelationshipType, contactsV1.RelationshipType> = {
  prospect: ProtoType.RELATIONSHIP_TYPE_PROSPECT,
  customer: ProtoType.RELATIONSHIP_TYPE_CUSTOMER,
  partner: ProtoType.RELATIONSHIP_TYPE_PARTNER,
  supplier: ProtoType.RELATIONSHIP_TYPE_SUPPLIER,
  competitor: ProtoType.RELATIONSHIP_TYPE_COMPETITOR,
  other: ProtoType.RELATIONSHIP_TYPE_OTHER,
};
const FROM_PROTO = new Map(Object.entries(TO_PROTO).map(([domain, proto]) => [proto, domain as RelationshipType]));

export function toProtoContact(contact: Contact): contactsV1.Contact {
  return {
    id: contact.id,
    givenName: contact.givenName,
    familyName: contact.familyName,
    displayName: contact.displayName,
    email: contact.email ?? "",
    phone: contact.phone ?? "",
    title: contact.title,
    relationshipType: TO_PROTO[contact.relationshipType],
    tags: contact.tags,
    country: contact.country ?? "",
    createTime: contact.createdAt,
    updateTime: contact.updatedAt,
    etag: `W/"${contact.version}"`,
  };
}

export function toContactDraft(input: contactsV1.ContactInput | undefined): ContactDraft {
  if (!input) throw ValidationError.field("contact", "is required");
  const unspecified = input.relationshipType === ProtoType.RELATIONSHIP_TYPE_UNSPECIFIED;
  const relationshipType = unspecified ? undefined : FROM_PROTO.get(input.relationshipType);
  if (!unspecified && !relationshipType) throw ValidationError.field("contact.relationshipType", "is not a known type");
  return {
    givenName: input.givenName,
    familyName: input.familyName,
    displayName: input.displayName,
    email: input.email,
    phone: input.phone,
    title: input.title,
    relationshipType,
    tags: input.tags,
    country: input.country,
  };
}
