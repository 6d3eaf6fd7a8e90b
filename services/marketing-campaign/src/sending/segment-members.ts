import type { Identity } from "@crm/kit";
import { commonV1, type contactsV1 } from "@crm/proto";
import type { AudienceContact } from "../domain/audience";
import { meetsBehaviour } from "../domain/behaviour";
import type { SegmentFields } from "../domain/segment";
import type { ContactsClient } from "../clients/contacts-client";
import { BehaviourRepository } from "../store/behaviour-repository";

/** Contacts streamed per message, and ids per static-list query (the filter language's limit on values). */
const STREAM_BATCH = 500;
const IDS_PER_QUERY = 100;

export interface MemberBatch {
  /** Contacts read from the contacts service in this batch (members or not). */
  scanned: number;
  /** Those that are members (the behaviour conditions hold). */
  members: AudienceContact[];
  /** The last contact id read: where to resume. */
  lastId: string;
}

/** The filter tree a segment stores as JSON. */
export function segmentFilter(filterJson: string): commonV1.Filter | undefined {
  return filterJson ? commonV1.Filter.fromJSON(JSON.parse(filterJson)) : undefined;
}

/**
 * A segment's members, batch by batch and in contact id order, never loaded whole: contacts
 * streamed from the contacts service (those matching the filter, or a static list's, by id),
 * then held against the behaviour conditions from this service's projection.
 */
export class SegmentMembers {
  constructor(
    private readonly contacts: ContactsClient,
    private readonly behaviour: BehaviourRepository,
  ) {}

  /** Refuses (as the contacts service does) a filter it cannot run: one contact is read with it. */
  async checkFilter(identity: Identity, filterJson: string): Promise<void> {
    for await (const _batch of this.contacts.stream(identity, { filter: segmentFilter(filterJson), afterId: "", batchSize: 1 })) break;
  }

  async *batches(identity: Identity, segment: SegmentFields, afterId = "", now = new Date()): AsyncGenerator<MemberBatch> {
    for await (const contacts of this.stream(identity, segment, afterId)) {
      const facts = await this.behaviour.factsOf(identity.tenantId, contacts.map((contact) => contact.id), segment.behaviour);
      const members = contacts.filter((contact) => meetsBehaviour(segment.behaviour, BehaviourRepository.factsFor(facts, contact.id), now)).map(toAudienceContact);
      yield { scanned: contacts.length, members, lastId: contacts[contacts.length - 1]!.id };
    }
  }

  private async *stream(identity: Identity, segment: SegmentFields, afterId: string): AsyncGenerator<contactsV1.Contact[]> {
    if (segment.kind === "dynamic") {
      yield* this.contacts.stream(identity, { filter: segmentFilter(segment.filterJson), afterId, batchSize: STREAM_BATCH });
      return;
    }
    const ids = [...segment.contactIds].sort().filter((id) => id > afterId);
    for (let start = 0; start < ids.length; start += IDS_PER_QUERY) {
      const chunk = ids.slice(start, start + IDS_PER_QUERY);
      const filter = commonV1.Filter.fromPartial({ node: { $case: "condition", condition: { field: "id", comparator: commonV1.Comparator.COMPARATOR_IN, values: chunk } } });
      const found: contactsV1.Contact[] = [];
      for await (const batch of this.contacts.stream(identity, { filter, afterId: "", batchSize: IDS_PER_QUERY })) found.push(...batch);
      // A chunk whose contacts were all deleted since yields nothing.
      if (found.length > 0) yield found;
    }
  }
}

/** What the audience needs of a contact: its addresses, do-not flags and personalisation values. */
export function toAudienceContact(contact: contactsV1.Contact): AudienceContact {
  const primaryEmail = contact.emails.find((email) => email.primary) ?? contact.emails[0];
  const primaryPhone = contact.phones.find((phone) => phone.primary) ?? contact.phones[0];
  const address = contact.addresses[0];
  const values: Record<string, string> = {
    givenName: contact.givenName,
    familyName: contact.familyName,
    displayName: contact.displayName,
    email: primaryEmail?.address ?? "",
    phone: primaryPhone?.number ?? "",
    title: contact.title,
    jobRole: contact.jobRole,
    language: contact.language,
    city: address?.city ?? "",
    country: address?.country ?? "",
    ...Object.fromEntries(Object.entries(contact.customFields).map(([key, value]) => [`custom.${key}`, value])),
  };
  return {
    id: contact.id,
    emails: contact.emails.map(({ address: email, primary }) => ({ address: email, primary })),
    phones: contact.phones.map(({ number, type, primary }) => ({ number, type, primary })),
    doNotEmail: contact.communication?.doNotEmail ?? false,
    doNotCall: contact.communication?.doNotCall ?? false,
    values,
  };
}
