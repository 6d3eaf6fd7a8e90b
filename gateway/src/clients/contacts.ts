import type { ClientReadableStream, ClientWritableStream } from "@grpc/grpc-js";
import { contactsV1 } from "@crm/proto";
import { ServiceClient, type Identity } from "@crm/kit/edge";

/** Streams of a whole segment or file take longer than one page. */
const STREAM_TIMEOUT_MS = 30 * 60_000;

/** The gateway's one way to reach the contacts service: deadlines, identity, retries for reads; streams. */
export class ContactsClient extends ServiceClient<contactsV1.ContactsServiceClient> {
  constructor(address: string, identityKey: Uint8Array, timeoutMs = 10_000) {
    super(contactsV1.ContactsServiceClient, address, {
      identityKey,
      timeoutMs,
      reads: ["getContact", "listContacts", "findContactDuplicates", "getOrganization", "listOrganizations", "findOrganizationDuplicates", "listCustomFields", "getImportJob"],
    });
  }

  /** Every contact matching, in batches, as the service streams them. */
  async *streamContacts(identity: Identity, request: contactsV1.StreamContactsRequest): AsyncGenerator<contactsV1.Contact[]> {
    const stream = this.client.streamContacts(request, await this.metadata(identity), { deadline: Date.now() + STREAM_TIMEOUT_MS });
    yield* readAll(stream, (message) => message.contacts);
  }

  /** The CSV export, chunk by chunk. */
  async *exportContacts(identity: Identity, request: contactsV1.ExportContactsRequest): AsyncGenerator<Uint8Array> {
    const stream = this.client.exportContacts(request, await this.metadata(identity), { deadline: Date.now() + STREAM_TIMEOUT_MS });
    yield* readAll(stream, (message) => message.chunk);
  }

  /**
   * Sends a file to an import job as it arrives; resolves with the job once the service has
   * stored the whole file. The service may refuse the file before its end (it is not CSV): then
   * sending stops at once and the call rejects with the service's error.
   */
  async uploadImportFile(identity: Identity, jobId: string, chunks: AsyncIterable<Buffer>): Promise<contactsV1.ImportJob | undefined> {
    const metadata = await this.metadata(identity);
    let call: ClientWritableStream<contactsV1.UploadImportFileRequest> | undefined;
    let answered = false;
    const done = new Promise<contactsV1.UploadImportFileResponse>((resolve, reject) => {
      call = this.client.uploadImportFile(metadata, { deadline: Date.now() + STREAM_TIMEOUT_MS }, (error, response) => {
        answered = true;
        return error ? reject(error) : resolve(response);
      });
    });
    const writer = call!;
    // A write waits for the service to take more (backpressure), or for its answer, whichever is first.
    const write = (message: contactsV1.UploadImportFileRequest) =>
      Promise.race([new Promise<void>((resolve) => (writer.write(message) ? resolve() : writer.once("drain", () => resolve()))), done]);
    try {
      await write({ part: { $case: "jobId", jobId } });
      for await (const chunk of chunks) {
        await write({ part: { $case: "chunk", chunk } });
        if (answered) break;
      }
      if (!answered) await write({ part: { $case: "endOfFile", endOfFile: true } });
      writer.end();
    } catch (error) {
      writer.cancel();
      await done.catch(() => undefined);
      throw error;
    }
    return (await done).job;
  }
}

async function* readAll<M, T>(stream: ClientReadableStream<M>, pick: (message: M) => T): AsyncGenerator<T> {
  try {
    for await (const message of stream as AsyncIterable<M>) yield pick(message);
  } finally {
    // The consumer stopped early (e.g. the HTTP client went away): stop the server too. The
    // cancellation is reported as one more error event, which nobody needs.
    stream.on("error", () => undefined);
    stream.cancel();
  }
}
