/** Who writes: the tenant whose data changes, and the user or service making the change. */
export interface Actor {
  tenantId: string;
  /** Who makes the change (user or service id), for audit fields and events. */
  subject: string;
}

export interface CreateOptions {
  allowDuplicates: boolean;
  /** The caller's request id: a repeat with the same id returns the first result. */
  requestId?: string;
}
