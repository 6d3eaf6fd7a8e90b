/** MongoDB's (and FerretDB's) code for a write refused by a unique index: here, a stale or repeated write. */
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | undefined)?.code === DUPLICATE_KEY;
}
