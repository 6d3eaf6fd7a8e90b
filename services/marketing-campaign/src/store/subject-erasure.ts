import { createHash } from "node:crypto";
import type { ErasureCounts, ErasureRequest } from "@crm/kit";
import type { AddressStates } from "./address-states";
import type { BehaviourRepository } from "./behaviour-repository";
import type { InfluenceRepository } from "./influence-repository";
import type { MessageRepository } from "./message-repository";
import type { RecipientRepository } from "./recipient-repository";
import type { ResponseRepository } from "./response-repository";
import type { SegmentRepository } from "./segment-repository";

export interface SubjectErasureStores {
  recipients: RecipientRepository;
  messages: MessageRepository;
  responses: ResponseRepository;
  addresses: AddressStates;
  behaviour: BehaviourRepository;
  influences: InfluenceRepository;
  segments: SegmentRepository;
}

/**
 * This service's part of the erasure saga (the kit's ErasureSaga keeps the receipt and confirms).
 * Campaign figures must stay right, so messages and responses are anonymised, not deleted: the
 * contact id becomes a pseudonym (a hash no one can map back without the id), addresses and
 * personalisation values go, a pending send is dropped (excluded as `erased`). What is only
 * about the subject goes: bounce records of its addresses, its tickets, its place in static
 * lists. Counts: erased = bounce records, tickets and list places removed; anonymised = messages,
 * recipients, responses, orders, deals and influences changed. Safe to run again.
 */
export class SubjectErasure {
  constructor(private readonly stores: SubjectErasureStores) {}

  async erase(request: ErasureRequest): Promise<ErasureCounts & { recordIds: string[] }> {
    const { tenantId, contactId } = request;
    const { recipients, messages, responses, addresses, behaviour, influences, segments } = this.stores;
    const contactIds = contactId ? [contactId] : [];
    const known = [...request.emails.map((email) => email.trim().toLowerCase()), ...request.phones.map((phone) => phone.replace(/[^\d+]/g, ""))].filter(Boolean);
    const pseudonym = `erased:${createHash("sha256").update(`${tenantId}|${contactId || known.join(",")}`).digest("hex").slice(0, 32)}`;
    const counts = { erased: 0, anonymised: 0 };
    const messageIds = await messages.eraseContact(tenantId, contactIds, known, pseudonym);
    counts.anonymised += messageIds.length;
    counts.anonymised += await responses.eraseContact(tenantId, contactIds, messageIds, pseudonym);
    counts.anonymised += await recipients.eraseContact(tenantId, contactIds, pseudonym);
    counts.anonymised += await recipients.eraseAddresses(tenantId, known);
    counts.anonymised += await behaviour.eraseContact(tenantId, contactIds);
    counts.anonymised += await influences.eraseContact(tenantId, contactIds);
    counts.erased += await addresses.erase(tenantId, known);
    for (const id of contactIds) counts.erased += await segments.removeMember(tenantId, id);
    return { ...counts, recordIds: messageIds };
  }
}
