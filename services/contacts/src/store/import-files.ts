import type { ImportFileChunkModel } from "./import-file.model";

/** Chunks read per round trip while a file is processed. */
const READ_BATCH = 8;

/** Uploaded import files, stored as numbered chunks until their job is done. */
export class ImportFileStore {
  constructor(private readonly model: ImportFileChunkModel) {}

  async append(tenantId: string, jobId: string, seq: number, data: Buffer): Promise<void> {
    await this.model.create({ _id: `${jobId}:${seq}`, tenantId, jobId, seq, data });
  }

  /** The file's chunks in order, a few at a time, never the whole file in memory. */
  async *read(tenantId: string, jobId: string): AsyncGenerator<Buffer> {
    for (let next = 0; ; ) {
      const chunks = await this.model
        .find({ tenantId, jobId, seq: { $gte: next } }, { data: 1, seq: 1 })
        .sort({ seq: 1 })
        .limit(READ_BATCH)
        .lean();
      for (const chunk of chunks) yield asBuffer(chunk.data);
      if (chunks.length < READ_BATCH) return;
      next = chunks[chunks.length - 1]!.seq + 1;
    }
  }

  async remove(tenantId: string, jobId: string): Promise<void> {
    await this.model.deleteMany({ tenantId, jobId });
  }
}

/** A lean read gives BSON Binary for a Buffer field; its `buffer` holds the bytes. */
function asBuffer(data: Buffer | { buffer: Uint8Array }): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer);
}
