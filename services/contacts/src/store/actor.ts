/** Who writes: the tenant whose data changes, and the user or service making the change (the kit's Actor). */
export type { Actor } from "@crm/kit";

export interface CreateOptions {
  allowDuplicates: boolean;
  /** The caller's request id: a repeat with the same id returns the first result. */
  requestId?: string;
}
