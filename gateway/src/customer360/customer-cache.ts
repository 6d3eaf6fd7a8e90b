import { TtlCache } from "@crm/kit/edge";
import type { ReadCache } from "../cache/read-cache";
import type { CustomerView } from "./compose";

interface Entry {
  view: CustomerView;
  dependsOn: string[];
}

/**
 * Complete 360 answers, kept briefly and dropped by the events the read cache follows: an
 * answer remembers the resources it shows (read-cache keys) and goes when any of them is
 * invalidated, or when the read cache stops serving (events cannot be followed). An answer
 * composed while one of its resources changed is not kept.
 */
export class CustomerCache {
  private readonly entries: TtlCache<Entry>;
  /** Answers by the resources they show, to drop them on an invalidation. */
  private readonly byResource = new Map<string, Set<string>>();
  /** When each resource was last invalidated, to refuse a fill that started before. */
  private readonly invalidatedAt: TtlCache<number>;

  constructor(
    private readonly readCache: ReadCache,
    private readonly ttlMs: number,
    maxEntries = 5_000,
  ) {
    this.entries = new TtlCache(maxEntries);
    this.invalidatedAt = new TtlCache(50_000);
    readCache.follow((change) => (change === "clear" ? this.clear() : this.invalidate(change.key)));
  }

  get(key: string): CustomerView | undefined {
    if (!this.serving) return undefined;
    return this.entries.get(key)?.view;
  }

  /** Keeps a complete answer composed since `startedAt`, unless a resource it shows changed meanwhile. */
  fill(key: string, view: CustomerView, dependsOn: string[], startedAt: number): void {
    if (!this.serving || view.status !== "complete") return;
    if (dependsOn.some((resource) => (this.invalidatedAt.get(resource) ?? -1) >= startedAt)) return;
    this.entries.set(key, { view, dependsOn }, Date.now() + this.ttlMs);
    for (const resource of dependsOn) {
      if (this.byResource.size > 50_000) this.byResource.clear();
      let keys = this.byResource.get(resource);
      if (!keys) this.byResource.set(resource, (keys = new Set()));
      keys.add(key);
    }
  }

  private get serving(): boolean {
    return this.ttlMs > 0 && this.readCache.serving;
  }

  private invalidate(resource: string): void {
    const now = Date.now();
    this.invalidatedAt.set(resource, now, now + this.ttlMs + 60_000);
    for (const key of this.byResource.get(resource) ?? []) this.entries.delete(key);
    this.byResource.delete(resource);
  }

  private clear(): void {
    this.entries.clear();
    this.byResource.clear();
  }
}
