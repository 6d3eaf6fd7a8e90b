/** MongoDB's (and FerretDB's) code for a write refused by a unique index. */
export const DUPLICATE_KEY = 11000;

/**
 * Whether a write was refused by a unique index: one write, or every write a bulk write refused.
 * A bulk write's error carries the first failure's code as its own, so its write errors decide.
 */
export function isDuplicateKey(error: unknown): boolean {
  const failure = error as { code?: number; writeErrors?: Array<{ code?: number }> | { code?: number } } | undefined;
  const writeErrors = failure?.writeErrors;
  const failures = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (failures.length > 0) return failures.every((item) => item.code === DUPLICATE_KEY);
  return failure?.code === DUPLICATE_KEY;
}
