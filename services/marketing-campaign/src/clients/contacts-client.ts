import type { ClientReadableStream } from "@grpc/grpc-js";
import { status as Status, type ServiceError } from "@grpc/grpc-js";
import { contactsV1, type commonV1 } from "@crm/proto";
import { identityKey, ServiceClient, type Identity } from "@crm/kit";

/** A whole audience may take a while to stream; each stream (resumed from where it broke) gets this long. */
const STREAM_TIMEOUT_MS = 30 * 60_000;
/** Broken streams (the contacts service restarting) are resumed this often before the audience build fails (and is retried later). */
const MAX_RESUMES = 5;

export interface ContactBatchQuery {
  filter?: commonV1.Filter | undefined;
  afterId: string;
  batchSize: number;
}

/**
 * This service's way to the contacts service: the whole audience through StreamContacts, in
 * batches, never loaded whole; a broken stream resumes after the last contact received.
 */
export class ContactsClient {
  private readonly service: ServiceClient<contactsV1.ContactsServiceClient>;

  constructor(address: string, settings: { identitySigningKey: string; timeoutMs: number }) {
    this.service = new ServiceClient(contactsV1.ContactsServiceClient, address, { identityKey: identityKey(settings.identitySigningKey), timeoutMs: settings.timeoutMs, reads: ["getContact"] });
  }

  /** Every contact matching the filter after `afterId`, batch by batch, in id order. */
  async *stream(identity: Identity, query: ContactBatchQuery): AsyncGenerator<contactsV1.Contact[]> {
    let afterId = query.afterId;
    for (let resumes = 0; ; resumes++) {
      try {
        const stream = this.service.client.streamContacts(
          { filter: query.filter, search: "", afterId, batchSize: query.batchSize },
          await this.service.metadata(identity),
          { deadline: Date.now() + STREAM_TIMEOUT_MS },
        );
        for await (const batch of readAll(stream)) {
          if (batch.length === 0) continue;
          afterId = batch[batch.length - 1]!.id;
          yield batch;
        }
        return;
      } catch (error) {
        const code = (error as Partial<ServiceError>).code;
        if (resumes >= MAX_RESUMES || (code !== Status.UNAVAILABLE && code !== Status.INTERNAL && code !== Status.CANCELLED)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** resumes));
      }
    }
  }

  close(): void {
    this.service.close();
  }
}

async function* readAll(stream: ClientReadableStream<contactsV1.StreamContactsResponse>): AsyncGenerator<contactsV1.Contact[]> {
  try {
    for await (const message of stream as AsyncIterable<contactsV1.StreamContactsResponse>) yield message.contacts;
  } finally {
    // Stopped early (a preview has its sample): stop the server too.
    stream.on("error", () => undefined);
    stream.cancel();
  }
}
