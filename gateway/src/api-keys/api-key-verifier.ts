import { TtlCache, UnauthenticatedError, tokenHash, type Identity } from "@crm/kit/edge";
import { parseApiKey, secretMatches } from "./api-key-secrets";
import type { ApiKeyStore } from "./api-key-store";

export { isApiKey } from "./api-key-secrets";

export interface VerifiedApiKey {
  identity: Identity;
  requestsPerMinute?: number | undefined;
}

/**
 * Checks API keys against their stored hashes. A verified key is trusted for `cacheMs` (by the
 * key's SHA-256, never the key) so that a busy client costs no database read per request; a
 * revocation through this replica takes effect at once, through another within `cacheMs`.
 */
export class ApiKeyVerifier {
  private readonly verified = new TtlCache<VerifiedApiKey>(10_000);
  /** The cache entry of each key id, so that a revocation can drop it. */
  private readonly hashById = new Map<string, string>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly cacheMs: number,
  ) {}

  async verify(key: string): Promise<VerifiedApiKey> {
    const hash = tokenHash(key);
    const now = Date.now();
    const known = this.verified.get(hash, now);
    if (known) return known;
    const parsed = parseApiKey(key);
    const record = parsed ? await this.store.findForAuthentication(parsed.id) : undefined;
    if (!parsed || !record || !secretMatches(parsed.secret, record.secretHash)) throw new UnauthenticatedError("the API key is not valid");
    if (record.revokedAt) throw new UnauthenticatedError("the API key was revoked");
    const expiresAt = record.expiresAt?.getTime() ?? Infinity;
    if (expiresAt <= now) throw new UnauthenticatedError("the API key has expired");
    this.store.touch(record, now);
    const identity: Identity = Object.freeze({
      subject: `apikey:${record._id}`,
      tenantId: record.tenantId,
      roles: [],
      scopes: Object.freeze([...record.scopes]) as string[],
      ...(record.owners ? { owners: Object.freeze([...record.owners]) as string[] } : {}),
    });
    const result = { identity, requestsPerMinute: record.requestsPerMinute };
    this.verified.set(hash, result, Math.min(now + this.cacheMs, expiresAt));
    if (this.hashById.size > 10_000) this.hashById.clear();
    this.hashById.set(record._id, hash);
    return result;
  }

  /** Forgets a revoked key at once (this replica). */
  forget(key: { _id: string }): void {
    const hash = this.hashById.get(key._id);
    if (hash) this.verified.delete(hash);
  }
}
