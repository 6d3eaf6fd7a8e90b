import { isGrpcError, NotFoundError } from "@crm/kit/edge";
import { status as GrpcStatus } from "@grpc/grpc-js";
import { hasPermission } from "../auth/roles";
import type { CustomerPart, PartContext } from "./customer-part";

export type Section = { status: "ok"; data: unknown } | { status: "unavailable"; reason: string } | { status: "forbidden" };

export interface CustomerView {
  contactId: string;
  /** `partial` when a section could not be read in time; which ones say `unavailable`. */
  status: "complete" | "partial";
  generatedAt: string;
  sections: Record<string, Section>;
}

/** The cache keys an answer depends on, beside the answer. */
export interface Composed {
  view: CustomerView;
  dependsOn: string[];
}

class PartTimeout extends Error {}

/**
 * Reads every part at once, each within `timeoutMs`: a part that fails or is late says
 * `unavailable` and the answer is `partial`, the others come back all the same. Only a contact
 * that does not exist (or that the caller may not see) fails the whole answer, with 404.
 */
export async function composeCustomer(parts: CustomerPart[], identity: PartContext["identity"], contactId: string, timeoutMs: number): Promise<Composed> {
  const shared = new Map<string, Promise<unknown>>();
  const dependsOn = new Set<string>();
  const context: PartContext = {
    identity,
    contactId,
    timeoutMs,
    once: <T>(key: string, read: () => Promise<T>) => {
      if (!shared.has(key)) shared.set(key, read());
      return shared.get(key) as Promise<T>;
    },
    dependsOn: (key) => void dependsOn.add(key),
  };
  const sections = await Promise.all(parts.map(async (part): Promise<[string, Section]> => {
    if (!hasPermission(identity, part.permission)) return [part.name, { status: "forbidden" }];
    try {
      return [part.name, { status: "ok", data: await withDeadline(part.read(context), timeoutMs) }];
    } catch (error) {
      if (part.name === "contact" && isNotFound(error)) throw error instanceof NotFoundError ? error : new NotFoundError(`contact ${contactId} not found`);
      return [part.name, { status: "unavailable", reason: reasonOf(error) }];
    }
  }));
  const partial = sections.some(([, section]) => section.status === "unavailable");
  return {
    view: { contactId, status: partial ? "partial" : "complete", generatedAt: new Date().toISOString(), sections: Object.fromEntries(sections) },
    dependsOn: [...dependsOn],
  };
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new PartTimeout()), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

function isNotFound(error: unknown): boolean {
  return error instanceof NotFoundError || (isGrpcError(error) && error.code === GrpcStatus.NOT_FOUND);
}

/** Why a section is missing, without internals: late, or its service unreachable or failing. */
function reasonOf(error: unknown): string {
  if (error instanceof PartTimeout || (isGrpcError(error) && error.code === GrpcStatus.DEADLINE_EXCEEDED)) return "its service did not answer in time";
  if (isGrpcError(error) && error.code === GrpcStatus.UNAVAILABLE) return "its service is unavailable";
  return "its service could not answer";
}
