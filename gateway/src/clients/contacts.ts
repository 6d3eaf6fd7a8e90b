import { contactsV1 } from "@crm/proto";
import { callUnary, createGrpcClient, signIdentity, type Identity } from "@crm/kit";

/** The gateway's one way to reach the contacts service: deadlines, identity, retries for reads. */
export class ContactsClient {
  private readonly client: contactsV1.ContactsServiceClient;

  constructor(
    address: string,
    private readonly identityKey: Uint8Array,
    private readonly timeoutMs = 5_000,
  ) {
    this.client = createGrpcClient(contactsV1.ContactsServiceClient, address);
  }

  async createContact(identity: Identity, request: contactsV1.CreateContactRequest): Promise<contactsV1.CreateContactResponse> {
    // A create is retried only when its request id makes a repeat harmless.
    return this.call(identity, this.client.createContact, request, Boolean(request.requestId));
  }

  async getContact(identity: Identity, request: contactsV1.GetContactRequest): Promise<contactsV1.GetContactResponse> {
    return this.call(identity, this.client.getContact, request, true);
  }

  async listContacts(identity: Identity, request: contactsV1.ListContactsRequest): Promise<contactsV1.ListContactsResponse> {
    return this.call(identity, this.client.listContacts, request, true);
  }

  close(): void {
    this.client.close();
  }

  private async call<Req, Res>(
    identity: Identity,
    method: Parameters<typeof callUnary<Req, Res>>[0],
    request: Req,
    retry: boolean,
  ): Promise<Res> {
    const identityToken = await signIdentity(identity, this.identityKey);
    return callUnary(method.bind(this.client), request, { identityToken, timeoutMs: this.timeoutMs, retry });
  }
}
