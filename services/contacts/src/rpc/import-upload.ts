import { PassThrough } from "node:stream";
import { ClientGoneError, ValidationError, type Logger } from "@crm/kit";
import type { ImportFileStore } from "../store/import-files";
import type { ImportJobDocument } from "../store/import-job.model";
import type { ImportJobRepository } from "../store/import-job-repository";
import { csvRecords, isCsvError } from "./import-runner";

/** Stored chunk size: few documents per file, each far below a document's 16 MiB limit. */
const CHUNK_BYTES = 256 * 1024;
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

/**
 * Receives an import file: stores it in chunks as it arrives and reads it as CSV on the way, so
 * that a file that is not valid CSV is refused while the client is still sending (with the job
 * failed and nothing kept), not minutes later. A complete, valid file leaves the job queued.
 * An upload that breaks off leaves the job failed with the reason.
 */
export async function receiveImportFile(
  imports: ImportJobRepository, files: ImportFileStore, job: ImportJobDocument, chunks: AsyncIterable<Buffer>, log: Logger,
): Promise<ImportJobDocument> {
  const csv = new PassThrough();
  // Settles when the CSV reader stops: at the end of the file, or at its first error.
  const checked = (async () => {
    for await (const _record of csvRecords(csv));
  })();
  // Rejects at a CSV error, even while the upload waits for the client's next chunk.
  const refused = checked.then(() => new Promise<never>(() => undefined));
  refused.catch(() => undefined);
  let bytes = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    await files.append(job.tenantId, job._id, seq++, Buffer.concat(pending));
    await imports.touch(job.tenantId, job._id);
    pending = [];
    pendingBytes = 0;
  };
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    for (let next = await Promise.race([iterator.next(), refused]); !next.done; next = await Promise.race([iterator.next(), refused])) {
      const chunk = next.value;
      bytes += chunk.length;
      if (bytes > MAX_FILE_BYTES) throw ValidationError.field("file", `is larger than ${MAX_FILE_BYTES / 1024 ** 3} GiB`);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
      if (!csv.write(chunk)) await Promise.race([new Promise((resolve) => csv.once("drain", resolve)), refused]);
    }
    csv.end();
    await checked;
    if (bytes === 0) throw ValidationError.field("file", "is empty");
    await flush();
    return await imports.queue(job.tenantId, job._id, bytes);
  } catch (caught) {
    const error = isCsvError(caught) ? ValidationError.field("file", `is not valid CSV: ${caught.message}`) : caught;
    csv.destroy();
    const reason = error instanceof ValidationError
      ? `the file ${error.violations[0]?.description ?? error.message}`
      : error instanceof ClientGoneError
        ? `the upload broke off after ${bytes} bytes; create a new job to upload the file again`
        : "the upload failed unexpectedly; create a new job to upload the file again";
    if (!(error instanceof ValidationError)) log.warn({ err: error, job: job._id, bytes }, "import upload failed");
    await imports.finish(job.tenantId, job._id, { status: "failed", failureReason: reason });
    await files.remove(job.tenantId, job._id);
    throw error;
  }
}
