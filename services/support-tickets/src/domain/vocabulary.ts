/** The words of the ticket model, in the API's spelling. Order matters where it says so. */

export const STATUSES = ["new", "open", "pending_customer", "on_hold", "resolved", "closed", "reopened"] as const;
export type Status = (typeof STATUSES)[number];

/** Lowest first: escalation raises a ticket one step along this list. */
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CHANNELS = ["email", "phone", "web", "chat"] as const;
export type Channel = (typeof CHANNELS)[number];

/** What an SLA measures: the first public reply, each next reply after the customer wrote, the resolution. */
export const SLA_METRICS = ["first_response", "next_update", "resolution"] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** Statuses in which a ticket is done: SLA clocks stop, and the ticket leaves the queue. */
export const DONE_STATUSES: readonly Status[] = ["resolved", "closed"];

export const isDone = (status: Status) => DONE_STATUSES.includes(status);

export const priorityRank = (priority: Priority) => PRIORITIES.indexOf(priority);

export function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}
