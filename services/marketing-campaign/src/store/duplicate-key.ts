/** MongoDB's (and FerretDB's) code for a write refused by a unique index: here, a repeated write. */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  const failure = error as { code?: number; writeErrors?: Array<{ code?: number }> } | undefined;
  if (failure?.code === DUPLICATE_KEY) return true;
  return Boolean(failure?.writeErrors?.length) && failure!.writeErrors!.every((item) => item.code === DUPLICATE_KEY);
}
