import { status as Status } from "@grpc/grpc-js";
import { contactsV1 } from "@crm/proto";
import { identityKey, isGrpcError, NotFoundError, ServiceClient, statusDetailsOf, UnavailableError, ValidationError, type Identity } from "@crm/kit";

export type ContactsClient = ServiceClient<contactsV1.ContactsServiceClient>;

/** The contacts service as this one reaches it: a deadline per call, reads retried, creates keyed. */
export function createContactsClient(address: string, settings: { identitySigningKey: string; timeoutMs: number }): ContactsClient {
  return new ServiceClient(contactsV1.ContactsServiceClient, address, {
    identityKey: identityKey(settings.identitySigningKey),
    timeoutMs: settings.timeoutMs,
    reads: ["getContact", "getOrganization", "findContactDuplicates", "findOrganizationDuplicates"],
  });
}

/** A record in contacts that a conversion made or found, and why it was found. */
export interface Resolved {
  id: string;
  reused: boolean;
  note: string;
}

/**
 * What a conversion asks of contacts: make the person or organisation, or, when contacts' duplicate
 * check answers ALREADY_EXISTS with scored candidates, re-use the best one and say why. Creates
 * carry a request id, so a repeat after a crash answers the record the first one made.
 */
export class ContactsDirectory {
  constructor(private readonly client: ContactsClient) {}

  async organization(identity: Identity, input: contactsV1.OrganizationInput, requestId: string): Promise<Resolved> {
    try {
      const { organization } = await this.client.call(identity, "createOrganization", { organization: input, requestId, allowDuplicates: false });
      return { id: organization!.id, reused: false, note: `organisation "${organization!.name}" created` };
    } catch (error) {
      return reuseCandidate(error, `organisation "${input.name}"`);
    }
  }

  async person(identity: Identity, input: contactsV1.ContactInput, requestId: string): Promise<Resolved> {
    try {
      const { contact } = await this.client.call(identity, "createContact", { contact: input, requestId, allowDuplicates: false });
      return { id: contact!.id, reused: false, note: `person "${contact!.displayName}" created` };
    } catch (error) {
      return reuseCandidate(error, `person "${[input.givenName, input.familyName].filter(Boolean).join(" ") || input.emails[0]?.address}"`);
    }
  }

  /** An existing organisation named by the caller; NOT_FOUND when contacts has none with this id. */
  async existingOrganization(identity: Identity, id: string): Promise<Resolved> {
    const { organization } = await this.client.call(identity, "getOrganization", { id }).catch(translate);
    return { id, reused: true, note: `organisation "${organization!.name}" given by the caller` };
  }

  async existingPerson(identity: Identity, id: string, why: string): Promise<Resolved> {
    const { contact } = await this.client.call(identity, "getContact", { id }).catch(translate);
    return { id, reused: true, note: `person "${contact!.displayName}" ${why}` };
  }
}

function reuseCandidate(error: unknown, what: string): Resolved {
  if (isGrpcError(error) && error.code === Status.ALREADY_EXISTS) {
    const candidates = statusDetailsOf(error)
      .filter((detail) => detail.typeUrl.endsWith("/crm.contacts.v1.DuplicateCandidates"))
      .flatMap((detail) => contactsV1.DuplicateCandidates.decode(detail.value).candidates)
      .sort((a, b) => b.score - a.score);
    const best = candidates[0];
    if (best) return { id: best.id, reused: true, note: `${what} matched existing "${best.displayName}" (${best.reasons.join(", ") || "likely duplicate"}, score ${best.score.toFixed(2)}): re-used` };
  }
  return translate(error);
}

/** contacts' refusals in this service's vocabulary: its input errors are the lead's, its absence is UNAVAILABLE. */
function translate(error: unknown): never {
  if (!isGrpcError(error)) throw error;
  if (error.code === Status.INVALID_ARGUMENT) throw new ValidationError([{ field: "lead", description: `contacts refused it: ${error.details}` }]);
  if (error.code === Status.NOT_FOUND) throw new NotFoundError(error.details);
  throw new UnavailableError(`contacts did not answer (${Status[error.code] ?? error.code}): ${error.details}`);
}
