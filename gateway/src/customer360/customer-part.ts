import type { Identity } from "@crm/kit/edge";
import type { z } from "zod";
import type { Permission } from "../auth/roles";

/** What a part reads with: who asks, about whom, and helpers shared by the parts of one answer. */
export interface PartContext {
  identity: Identity;
  contactId: string;
  /** The part's deadline (ms), to pass to its service calls. */
  timeoutMs: number;
  /** Runs `read` once per answer, however many parts ask (e.g. the contact, which several parts need). */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** Says the answer shows this resource (a read-cache key): an event about it drops the cached answer. */
  dependsOn(cacheKey: string): void;
}

/**
 * One section of GET /v1/customers/{contactId}/360, contributed by the gateway module of the
 * service that owns its data (`customerParts` in modules/<service>.ts; contacts' are in
 * parts/). Contacts gives `contact` and `organizations`, interactions the latest ones and
 * engagement, consent the state per purpose and channel; expected as their services land:
 * deals and customer value (sales-pipeline), open tickets with their SLA state (support-tickets),
 * campaign history (marketing-campaign).
 */
export interface CustomerPart<T = unknown> {
  /** The section's name in the answer. */
  name: string;
  /** What the caller needs to see it; without it the section says `forbidden`. */
  permission: Permission;
  /** The section's data, documented in the OpenAPI document. */
  schema: z.ZodType<T>;
  /** Reads it; a NotFoundError from the part named `contact` makes the whole answer 404. */
  read(context: PartContext): Promise<T>;
}
