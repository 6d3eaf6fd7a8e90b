import { contactsV1 } from "@crm/proto";
import { UUID_PATTERN } from "@crm/kit/edge";
import { z } from "zod";
import type { HeaderDefinition } from "../http/api-registry";

const { RelationshipType } = contactsV1;
const PREFIX = "RELATIONSHIP_TYPE_";

// The REST names of the proto enum: RELATIONSHIP_TYPE_CUSTOMER <-> "customer".
const TYPE_NAMES = Object.entries(RelationshipType)
  .filter(([name, value]) => typeof value === "number" && name !== `${PREFIX}UNSPECIFIED`)
  .map(([name]) => name.slice(PREFIX.length).toLowerCase()) as [string, ...string[]];

export const toProtoType = (type: string | undefined) =>
  type ? RelationshipType[`${PREFIX}${type.toUpperCase()}` as keyof typeof RelationshipType] : RelationshipType.RELATIONSHIP_TYPE_UNSPECIFIED;
export const fromProtoType = (type: contactsV1.RelationshipType) => RelationshipType[type].slice(PREFIX.length).toLowerCase();

export const relationshipTypeSchema = z.enum(TYPE_NAMES).describe("Relationship with the company");

const text = (max = 200) => z.string().max(max);

export const addressSchema = z
  .object({
    type: z.enum(["work", "home", "billing", "shipping", "other"]).optional(),
    lines: z.array(text()).max(4).optional(),
    city: text().optional(),
    region: text().optional(),
    postalCode: text(20).optional(),
    country: text(2).optional().describe("ISO 3166-1 alpha-2"),
  })
  .strict();

export const addressOut = z.object({ type: z.string(), lines: z.array(z.string()), city: z.string(), region: z.string(), postalCode: z.string(), country: z.string() });

export const pageInfoSchema = z.object({
  hasNextPage: z.boolean(),
  hasPreviousPage: z.boolean(),
  startCursor: z.string().nullable(),
  endCursor: z.string().nullable(),
});

/** One field's part in a duplicate score (crm.contacts.v1.DuplicateEvidence). */
export const evidenceSchema = z.object({
  field: z.string().describe("givenName, familyName, nameOrder, birthday, address, email, phone, organization or externalId"),
  comparison: z.string().describe("How the values compared: exact, similar, nickname, transposed, same address, different, missing..."),
  weight: z.number().describe("Agreement weight in bits: positive for the same person, negative against, 0 when a value is missing"),
});

export const candidateSchema = z.object({
  id: z.string(),
  externalId: z.string().describe("The candidate's id in the system it came from; empty when it has none"),
  displayName: z.string(),
  score: z.number().describe("0..1, the probability of one person; from 0.9 a create is refused unless allowDuplicates"),
  reasons: z.array(z.string()),
  evidence: z.array(evidenceSchema).describe("Each field compared (contacts)"),
});

/** Record ids are the UUIDs the services issue (version 7: time-ordered), in lower case. */
export const idSchema = z.string().regex(UUID_PATTERN, "is not an id this API issued (a lower-case UUID)");
export const idParams = z.object({ id: idSchema });

/** Query flag `allowDuplicates=true`: create even when likely duplicates exist. */
export const createQuerySchema = z
  .object({ allowDuplicates: z.enum(["true", "false"]).optional().describe("Create even when likely duplicates exist (409 otherwise)") })
  .strict();

export function toProtoAddress(address: z.output<typeof addressSchema>): contactsV1.PostalAddress {
  return { type: address.type ?? "", lines: address.lines ?? [], city: address.city ?? "", region: address.region ?? "", postalCode: address.postalCode ?? "", country: address.country ?? "" };
}

/** Field-mask paths from the keys present in a PATCH body (JSON Merge Patch style). */
export function maskOf(body: object, renames: Record<string, string> = {}): string[] {
  return Object.keys(body).map((key) => renames[key] ?? key);
}

/** An ETag as the API issues it: the record's version, weak (`W/"3"`). */
export const ETAG_PATTERN = /^(?:W\/)?"\d+"$/;
const ETAG_VIOLATION = 'is not an etag this API issued (e.g. W/"3")';
export const etagSchema = z.string().regex(ETAG_PATTERN, ETAG_VIOLATION);

export const ifMatchHeader = (record: string): HeaderDefinition => ({
  name: "If-Match",
  description: `The ETag read; 412 when the ${record} changed meanwhile`,
  pattern: ETAG_PATTERN,
  violation: ETAG_VIOLATION,
});

/** The etag from If-Match, for optimistic concurrency. */
export function ifMatch(header: string | undefined): string {
  return header?.trim() ?? "";
}
