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

/** How rows of one entity are applied: contacts and organisations each provide one. */
export interface ImportTarget {
  /** The natural-key value of a row, used to keep rows with the same key in order. */
  keyOf(row: Row): string;
  /** Applies one row (or, in a dry run, decides what it would do). Throws ValidationError or ConflictError for a bad row. */
  apply(row: Row): Promise<RowOutcome | PartialRow>;
}

const BATCH = 16;
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

  const applyRow = async (rowNumber: number, row: Row) => {
    try {
      const result = await target.apply(row);
      const { outcome, dropped } = typeof result === "string" ? { outcome: result, dropped: [] } : result;
      counts[outcome]++;
      for (const v of dropped) pending.push({ row: rowNumber, field: fieldOf(v), message: `${v.description}; left out, the row was imported without it` });
    } catch (error) {
      counts.failed++;
      if (error instanceof ValidationError) {
        const violations = error.violations.length ? error.violations : [{ field: "", description: error.message }];
        for (const v of violations) pending.push({ row: rowNumber, field: fieldOf(v), message: v.description });
      } else if (error instanceof ConflictError) {
        pending.push({ row: rowNumber, field: "", message: error.message });
      } else {
        throw error;
      }
    } finally {
      counts.rowsProcessed++;
    }
  };

  const applyBatch = async (batch: Array<[number, Row]>, recordsRead: number) => {
    const lanes = new Map<string, Array<[number, Row]>>();
    batch.forEach((entry, index) => {
      const key = target.keyOf(entry[1]) || `row:${index}`;
      lanes.set(key, [...(lanes.get(key) ?? []), entry]);
    });
    await Promise.all([...lanes.values()].map(async (lane) => {
      for (const [rowNumber, row] of lane) await applyRow(rowNumber, row);
    }));
    recordsApplied = recordsRead;
    if (counts.rowsProcessed - lastSave.rows >= SAVE_EVERY_ROWS || Date.now() - lastSave.at >= SAVE_EVERY_MS) await save();
  };

  const mapping = job.options.columnMapping;
  try {
    let batch: Array<[number, Row]> = [];
    let rowNumber = 0;
    for await (const record of csvRecords(Readable.from(chunks))) {
      rowNumber++;
      // Applied by an earlier run of this job, before its worker stopped.
      if (rowNumber <= job.recordsRead) continue;
      // Spreadsheets export trailing rows of empty cells; they are not records.
      if (Object.values(record).every((value) => !value?.trim())) continue;
      batch.push([rowNumber, toRow(record, mapping)]);
      if (batch.length >= BATCH) {
        await applyBatch(batch, rowNumber);
        batch = [];
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
