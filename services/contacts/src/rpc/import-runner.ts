import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { ConflictError, ValidationError, type FieldViolation, type Logger } from "@crm/kit";
import { toRow, type Row } from "../domain/csv-columns";
import type { ImportCounts, ImportJobDocument, ImportRowError } from "../store/import-job.model";
import type { ImportJobRepository } from "../store/import-job-repository";

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

/**
 * Streams a CSV file through a target: parsed as it arrives (never held whole), applied in
 * small concurrent batches where rows sharing a natural key stay in file order, with progress
 * saved on the job every few hundred rows so that clients can poll it.
 */
export async function runImport(jobs: ImportJobRepository, job: ImportJobDocument, chunks: AsyncIterable<Buffer>, target: ImportTarget, log: Logger): Promise<ImportJobDocument> {
  const counts: ImportCounts = { rowsProcessed: 0, created: 0, updated: 0, skipped: 0, failed: 0 };
  let pending: ImportRowError[] = [];
  let stored = 0;
  let lastSave = { rows: 0, at: Date.now() };
  const save = async () => {
    // Rows of a batch finish in any order; the report lists them in file order.
    pending.sort((a, b) => a.row - b.row);
    stored = await jobs.progress(job.tenantId, job._id, counts, pending, stored);
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

  const applyBatch = async (batch: Array<[number, Row]>) => {
    const lanes = new Map<string, Array<[number, Row]>>();
    batch.forEach((entry, index) => {
      const key = target.keyOf(entry[1]) || `row:${index}`;
      lanes.set(key, [...(lanes.get(key) ?? []), entry]);
    });
    await Promise.all([...lanes.values()].map(async (lane) => {
      for (const [rowNumber, row] of lane) await applyRow(rowNumber, row);
    }));
    if (counts.rowsProcessed - lastSave.rows >= SAVE_EVERY_ROWS || Date.now() - lastSave.at >= SAVE_EVERY_MS) await save();
  };

  const source = Readable.from(chunks);
  const records = source.pipe(
    parse({ columns: (header: string[]) => header.map((h) => h.trim()), bom: true, skip_empty_lines: true, relax_column_count: true, max_record_size: MAX_RECORD_BYTES }),
  );
  source.on("error", (error) => records.destroy(error));
  const mapping = job.options.columnMapping;
  try {
    let batch: Array<[number, Row]> = [];
    let rowNumber = 0;
    for await (const record of records as AsyncIterable<Record<string, string>>) {
      rowNumber++;
      // Spreadsheets export trailing rows of empty cells; they are not records.
      if (Object.values(record).every((value) => !value?.trim())) continue;
      batch.push([rowNumber, toRow(record, mapping)]);
      if (batch.length >= BATCH) {
        await applyBatch(batch);
        batch = [];
      }
    }
    await applyBatch(batch);
    await save();
    return await jobs.finish(job.tenantId, job._id, { status: "completed" });
  } catch (error) {
    log.warn({ err: error, job: job._id }, "import failed");
    await save().catch(() => undefined);
    const reason = error instanceof Error && "code" in error && String(error.code).startsWith("CSV_") ? `the file is not valid CSV: ${error.message}` : "the import stopped unexpectedly; rows before it are kept";
    return jobs.finish(job.tenantId, job._id, { status: "failed", failureReason: reason });
  }
}

/** A violation's field as the file names it: without the entity prefix. */
function fieldOf(violation: FieldViolation): string {
  return violation.field.replace(/^(contact|organization)\./, "");
}
