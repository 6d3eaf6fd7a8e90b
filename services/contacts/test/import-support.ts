import { callUnary, type Identity } from "@crm/kit";
import { contactsV1 } from "@crm/proto";
import { as, metadataFor } from "./support";

const { ImportStatus } = contactsV1;
type Client = contactsV1.ContactsServiceClient;

/** Uploads a file in small chunks, as a client streaming a large file would; resolves with the queued job. */
export async function upload(client: Client, identity: Identity, jobId: string, csv: string): Promise<contactsV1.ImportJob> {
  const metadata = metadataFor(await as(identity));
  return new Promise((resolve, reject) => {
    const call = client.uploadImportFile(metadata, (error, response) => (error ? reject(error) : resolve(response.job!)));
    call.write({ part: { $case: "jobId", jobId } });
    const bytes = Buffer.from(csv);
    for (let offset = 0; offset < bytes.length; offset += 37) call.write({ part: { $case: "chunk", chunk: bytes.subarray(offset, offset + 37) } });
    call.write({ part: { $case: "endOfFile", endOfFile: true } });
    call.end();
  });
}

export const getJob = async (client: Client, identity: Identity, id: string) => (await callUnary(client.getImportJob.bind(client), { id }, await as(identity))).job!;

/** Polls a job until it has completed or failed. */
export async function finished(client: Client, identity: Identity, id: string, timeoutMs = 30_000): Promise<contactsV1.ImportJob> {
  const done = [ImportStatus.IMPORT_STATUS_COMPLETED, ImportStatus.IMPORT_STATUS_FAILED];
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
    const job = await getJob(client, identity, id);
    if (done.includes(job.status)) return job;
  }
  throw new Error(`import job ${id} did not finish within ${timeoutMs} ms`);
}

export const csvOf = (rows: number, from = 0) => ["email,familyName", ...Array.from({ length: rows }, (_, i) => `p${from + i}@example.com,Person${from + i}`)].join("\n") + "\n";
