import { status as Status } from "@grpc/grpc-js";
import { contactsV1 } from "@crm/proto";
import { ServiceClient, UnavailableError, ValidationError, fieldViolationsOf, identityKey, isGrpcError, statusDetailsOf, type Identity } from "@crm/kit";
import type { RequesterDraft, RequesterFields } from "../domain/ticket";

const CANDIDATES_TYPE = "type.googleapis.com/crm.contacts.v1.DuplicateCandidates";

/**
 * Who a ticket's requester is, asked of the contacts service over gRPC: a contact id is checked;
 * an e-mail or phone is created as a contact, unless contacts' duplicate check finds who it is
 * (ALREADY_EXISTS with scored candidates: the best one is the requester). The create carries a
 * request id derived from the ticket's, so a retried ticket creates no second contact. Calls
 * run as this service, in the caller's tenant.
 */
export class RequesterDirectory {
  private readonly contacts: ServiceClient<contactsV1.ContactsServiceClient>;

  constructor(address: string, settings: { identitySigningKey: string; timeoutMs: number }) {
    this.contacts = new ServiceClient(contactsV1.ContactsServiceClient, address, {
      identityKey: identityKey(settings.identitySigningKey),
      timeoutMs: settings.timeoutMs,
      reads: ["getContact"],
    });
  }

  async resolve(tenantId: string, requester: RequesterDraft, requestId: string): Promise<RequesterFields> {
    const identity: Identity = { subject: "service:support-tickets", tenantId, roles: ["service"], scopes: [] };
    try {
      if (requester.contactId) return await this.known(identity, requester);
      const { contact } = await this.contacts.call(identity, "createContact", {
        contact: contactsV1.ContactInput.fromPartial({
          displayName: requester.name,
          emails: requester.email ? [{ address: requester.email, type: "work", primary: true }] : [],
          phones: requester.phone ? [{ number: requester.phone, type: "mobile", primary: true }] : [],
          leadSource: "support",
        }),
        requestId: `support-ticket-requester:${requestId}`,
        allowDuplicates: false,
      });
      return fieldsOf(contact!.id, contact!.displayName, requester);
    } catch (error) {
      const match = RequesterDirectory.matchOf(error);
      if (match) return fieldsOf(match.id, match.displayName, requester);
      throw this.translated(error);
    }
  }

  close(): void {
    this.contacts.close();
  }

  private async known(identity: Identity, requester: RequesterDraft): Promise<RequesterFields> {
    const { contact } = await this.contacts.call(identity, "getContact", { id: requester.contactId });
    return fieldsOf(contact!.id, contact!.displayName, {
      ...requester,
      email: requester.email || contact!.emails[0]?.address || "",
      phone: requester.phone || contact!.phones[0]?.number || "",
    });
  }

  /** Contacts' answers in this service's words: a match, a field to fix, or contacts unreachable. */
  private translated(error: unknown): unknown {
    if (!isGrpcError(error)) return error;
    if (error.code === Status.NOT_FOUND) return ValidationError.field("ticket.requester.contactId", "is not a contact of this tenant");
    if (error.code === Status.INVALID_ARGUMENT) {
      const violations = fieldViolationsOf(error).map((violation) => ({ field: `ticket.requester (${violation.field})`, description: violation.description }));
      return new ValidationError(violations.length > 0 ? violations : [{ field: "ticket.requester", description: error.details }]);
    }
    if (error.code === Status.UNAVAILABLE || error.code === Status.DEADLINE_EXCEEDED) return new UnavailableError("the contacts service is unreachable: the requester cannot be matched now; try again");
    return error;
  }

  /** The best candidate of a create refused as a duplicate, or undefined. */
  static matchOf(error: unknown): contactsV1.DuplicateCandidate | undefined {
    if (!isGrpcError(error) || error.code !== Status.ALREADY_EXISTS) return undefined;
    const candidates = statusDetailsOf(error)
      .filter((detail) => detail.typeUrl === CANDIDATES_TYPE)
      .flatMap((detail) => contactsV1.DuplicateCandidates.decode(detail.value).candidates);
    return candidates.sort((a, b) => b.score - a.score)[0];
  }
}

function fieldsOf(contactId: string, displayName: string, requester: RequesterDraft): RequesterFields {
  return { requesterId: contactId, requesterName: displayName || requester.name, requesterEmail: requester.email, requesterPhone: requester.phone };
}
