/** MongoDB's (and FerretDB's) code for a write refused by a unique index. */
export const DUPLICATE_KEY = 11000;

/** Whether a write was refused by a unique index: one write, or every write of a bulk write. */
export function isDuplicateKey(error: unknown): boolean {
  const failure = error as { code?: number; writeErrors?: Array<{ code?: number }> } | undefined;
  if (failure?.code === DUPLICATE_KEY) return true;
  return Boolean(failure?.writeErrors?.length) && failure!.writeErrors!.every((item) => item.code === DUPLICATE_KEY);
}
