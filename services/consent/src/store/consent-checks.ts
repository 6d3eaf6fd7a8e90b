import type { ContactChannel } from "../domain/consent";
import { decide, type Decision } from "../domain/decision";
import type { Purpose } from "../domain/purpose";
import { normaliseAddress, suppressionHash, suppressionTypeOf } from "../domain/suppression";
import type { ConsentCache } from "./consent-cache";
import type { ConsentStateRepository } from "./consent-state-repository";
import type { SuppressionCache } from "./suppression-cache";
import type { SuppressionRepository } from "./suppression-repository";

export interface CheckedSubject {
  subjectId: string;
  /** The address to be contacted; compared with the suppression list when the channel has one. */
  address: string;
}

/**
 * "May we contact these subjects for this purpose on this channel?": consents from the cache
 * (filled from MongoDB where missing), addresses against the suppression list, each answer by
 * domain/decision.ts. One answer per subject, in order.
 */
export class ConsentChecks {
  constructor(
    private readonly deps: {
      cache: ConsentCache;
      states: ConsentStateRepository;
      suppressionCache: SuppressionCache;
      suppressions: SuppressionRepository;
    },
  ) {}

  async check(tenantId: string, purpose: Purpose, channel: ContactChannel, subjects: CheckedSubject[], now = Date.now()): Promise<Decision[]> {
    const { cache, states } = this.deps;
    const ids = [...new Set(subjects.map((subject) => subject.subjectId))];
    const consents = await cache.statesOf(tenantId, purpose.id, ids, (missing) => states.statesOf(tenantId, purpose.id, missing));
    const suppressed = await this.suppressed(tenantId, channel, subjects);
    return subjects.map((subject, index) => decide(purpose, consents.get(subject.subjectId) ?? {}, channel, suppressed[index]!, now));
  }

  /** Whether each subject's address is suppressed, for the channel's kind of address (post: none is). */
  private async suppressed(tenantId: string, channel: ContactChannel, subjects: CheckedSubject[]): Promise<boolean[]> {
    const type = suppressionTypeOf(channel);
    const hashes = subjects.map((subject) => {
      const address = type && subject.address ? normaliseAddress(type, subject.address) : undefined;
      return type && address ? suppressionHash(type, address) : undefined;
    });
    const asked = hashes.filter((hash): hash is string => hash !== undefined);
    if (asked.length === 0) return subjects.map(() => false);
    const found = await this.deps.suppressionCache.contains(tenantId, asked, () => this.deps.suppressions.hashes(tenantId));
    let next = 0;
    return hashes.map((hash) => (hash === undefined ? false : found[next++]!));
  }
}
