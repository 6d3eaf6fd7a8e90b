import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { ConflictError, ValidationError, type FieldViolation, type Logger } from "@crm/kit";
import { toRow, type Row } from "../domain/csv-columns";
import type { ImportCounts, ImportJobDocument, ImportRowError } from "../store/import-job.model";
import { LeaseLostError, type ImportJobRepository } from "../store/import-job-repository";

/** What one row came to. */
export type RowOutcome = "created" | "updated" | "skipped";
/** A row applied without some of its fields, each reported in the job's errors. */
export interface PartialRow {
  outcome: RowOutcome;
  dropped: FieldViolation[];
}

/** What became of one row: applied (perhaps without some fields), or refused with a ValidationError or ConflictError. */
export type RowResult = RowOutcome | PartialRow | ValidationError | ConflictError;

/** How rows of one entity are applied: contacts and organisations each provide one. */
export interface ImportTarget {
  /** The natural-key value of a row: a batch holds each key once, so that rows with one key apply in file order. */
  keyOf(row: Row): string;
  /**
   * Applies rows (or, in a dry run, decides what they would do) as if one after another, in
   * order; a row refused is answered with its error, which does not stop the others.
   */
  applyBatch(rows: Row[]): Promise<RowResult[]>;
}

/**
 * Rows applied per batch: one duplicate check, one write of keys and one of contacts per batch.
 * Larger batches spread each round trip's cost over more rows (the first 30 000 rows of an
 * import: 258 rows/s at 100, 297 at 250, 310 at 500).
 */
const BATCH = 500;
const SAVE_EVERY_ROWS = 500;
const SAVE_EVERY_MS = 1_000;
const MAX_RECORD_BYTES = 64 * 1024;

/** The one way every import file is read as CSV: at upload (to validate it) and when processed. */
export function csvRecords(source: Readable): AsyncIterable<Record<string, string>> {
  const records = source.pipe(
    parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_BYTES }),
  );
  source.on("error", (error) => records.destroy(error));
  return records;
}

/** A csv-parse error: the file, not the service, is at fault. */
export function isCsvError(error: unknown): error is Error {
  return error instanceof Error && "code" in error && String(error.code).startsWith("CSV_");
}

export interface RunSettings {
  /** How long the lease on the job lasts past each progress save. */
  leaseMs: number;
  /** Asked between batches: true when the worker stops and gives the job back. */
  shouldStop: () => boolean;
}

/** What became of a run: the job finished, or went back to the queue or to another worker unfinished. */
export type RunOutcome = { finished: true; job: ImportJobDocument } | { finished: false };

/**
 * Streams a stored CSV file through a target, from where the job stands (a resumed job skips the
 * records it already applied): parsed as it is read (never held whole), applied in small
 * concurrent batches where rows sharing a natural key stay in file order, with progress saved on
 * the job every few hundred rows so that clients can poll it and another worker can resume it.
 */
export async function runImport(jobs: ImportJobRepository, job: ImportJobDocument, chunks: AsyncIterable<Buffer>, target: ImportTarget, log: Logger, settings: RunSettings): Promise<RunOutcome> {
  const counts: ImportCounts = { rowsProcessed: job.rowsProcessed, created: job.created, updated: job.updated, skipped: job.skipped, failed: job.failed };
  let pending: ImportRowError[] = [];
  let stored = job.rowErrors.length;
  let recordsApplied = job.recordsRead;
  let lastSave = { rows: counts.rowsProcessed, at: Date.now() };
  const save = async () => {
    // Rows of a batch finish in any order; the report lists them in file order.
    pending.sort((a, b) => a.row - b.row);
    stored = await jobs.progress(job, { counts, recordsRead: recordsApplied }, pending, stored, settings.leaseMs);
    pending = [];
    lastSave = { rows: counts.rowsProcessed, at: Date.now() };
  };

  const tally = (rowNumber: number, result: RowResult) => {
    counts.rowsProcessed++;
    if (result instanceof ValidationError) {
      counts.failed++;
      const violations = result.violations.length ? result.violations : [{ field: "", description: result.message }];
      for (const v of violations) pending.push({ row: rowNumber, field: fieldOf(v), message: v.description });
    } else if (result instanceof ConflictError) {
      counts.failed++;
      pending.push({ row: rowNumber, field: "", message: result.message });
    } else {
      const { outcome, dropped } = typeof result === "string" ? { outcome: result, dropped: [] } : result;
      counts[outcome]++;
      for (const v of dropped) pending.push({ row: rowNumber, field: fieldOf(v), message: `${v.description}; left out, the row was imported without it` });
    }
  };

  const applyBatch = async (batch: Array<[number, Row]>, recordsRead: number) => {
    const results = await target.applyBatch(batch.map(([, row]) => row));
    batch.forEach(([rowNumber], index) => tally(rowNumber, results[index]!));
    recordsApplied = recordsRead;
    if (counts.rowsProcessed - lastSave.rows >= SAVE_EVERY_ROWS || Date.now() - lastSave.at >= SAVE_EVERY_MS) await save();
  };

  const mapping = job.options.columnMapping;
  try {
    let batch: Array<[number, Row]> = [];
    let batchKeys = new Set<string>();
    let rowNumber = 0;
    for await (const record of csvRecords(Readable.from(chunks))) {
      rowNumber++;
      // Applied by an earlier run of this job, before its worker stopped.
      if (rowNumber <= job.recordsRead) continue;
      // Spreadsheets export trailing rows of empty cells; they are not records.
      if (Object.values(record).every((value) => !value?.trim())) continue;
      const row = toRow(record, mapping);
      const key = target.keyOf(row);
      // A second row with the same key waits for the first one's batch to be stored.
      if (key && batchKeys.has(key)) {
        await applyBatch(batch, rowNumber - 1);
        batch = [];
        batchKeys = new Set();
      }
      batch.push([rowNumber, row]);
      if (key) batchKeys.add(key);
      if (batch.length >= BATCH) {
        await applyBatch(batch, rowNumber);
        batch = [];
        batchKeys = new Set();
        if (settings.shouldStop()) {
          await save();
          await jobs.release(job);
          return { finished: false };
        }
      }
    }
    await applyBatch(batch, rowNumber);
    await save();
    return { finished: true, job: await jobs.finish(job.tenantId, job._id, { status: "completed" }) };
  } catch (error) {
    if (error instanceof LeaseLostError) {
      log.warn({ job: job._id }, "import job passed to another worker");
      return { finished: false };
    }
    log.warn({ err: error, job: job._id }, "import failed");
    await save().catch(() => undefined);
    const reason = isCsvError(error) ? `the file is not valid CSV: ${error.message}` : "the import stopped unexpectedly; rows before it are kept";
    return { finished: true, job: await jobs.finish(job.tenantId, job._id, { status: "failed", failureReason: reason }) };
  }
}

/** A violation's field as the file names it: without the entity prefix. */
function fieldOf(violation: FieldViolation): string {
  return violation.field.replace(/^(contact|organization)\./, "");
}
