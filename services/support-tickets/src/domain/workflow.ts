import { PreconditionFailedError } from "@crm/kit";
import type { Status } from "./vocabulary";

/**
 * The status workflow: where a ticket may go from each status. A resolved ticket comes back
 * only by being reopened; a closed one is final (a new request is a new ticket); nothing goes
 * back to new.
 */
export const TRANSITIONS: Record<Status, readonly Status[]> = {
  new: ["open", "pending_customer", "on_hold", "resolved", "closed"],
  open: ["pending_customer", "on_hold", "resolved", "closed"],
  pending_customer: ["open", "on_hold", "resolved", "closed"],
  on_hold: ["open", "pending_customer", "resolved", "closed"],
  resolved: ["reopened", "closed"],
  reopened: ["open", "pending_customer", "on_hold", "resolved", "closed"],
  closed: [],
};

export function mayMove(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Refuses a transition the workflow does not allow, saying which ones it does. */
export function checkTransition(from: Status, to: Status): void {
  if (from === to || mayMove(from, to)) return;
  const allowed = TRANSITIONS[from];
  throw new PreconditionFailedError(
    allowed.length > 0 ? `a ${from} ticket cannot become ${to}; it can become ${allowed.join(", ")}` : `a ${from} ticket is final: it cannot become ${to}`,
  );
}
