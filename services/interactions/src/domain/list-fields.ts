import type { FieldSpec, FieldSpecs } from "@crm/kit";
import { DIRECTIONS, INTERACTION_KINDS, MESSAGE_CHANNELS } from "./interaction-details";
import { RECORD_TYPES } from "./links";
import { TASK_PRIORITIES, TASK_STATUSES } from "./task";

const lower = (value: string) => value.trim().toLowerCase();
/** A filter on a linked record: its id becomes the `type:id` key lists find records by. */
const linked = (type: string): FieldSpec => ({ path: "refs", type: "string", normalise: (id) => `${type}:${id.trim()}` });

/**
 * What ListInteractions may filter and order by: the API name, the stored path, the type. Only
 * these fields ever reach a query; a sortable one needs an index in store/interaction.model.ts.
 * A contact's id also finds what was linked to the contacts merged into it (store/contact-fates.ts).
 */
export const INTERACTION_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  kind: { path: "details.kind", type: "enum", values: INTERACTION_KINDS, normalise: lower },
  contactId: linked("contact"),
  organizationId: linked("organization"),
  dealId: linked("deal"),
  ticketId: linked("ticket"),
  ownerId: { path: "ownerId", type: "string" },
  direction: { path: "details.direction", type: "enum", values: DIRECTIONS, normalise: lower },
  channel: { path: "details.channel", type: "enum", values: MESSAGE_CHANNELS, normalise: lower },
  threadId: { path: "details.threadId", type: "string" },
  campaign: { path: "details.campaign", type: "string" },
  createdBy: { path: "createdBy", type: "string" },
  occurredAt: { path: "occurredAt", type: "date", sortable: true },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date" },
};

/** Most recent first: the order of a conversation history. */
export const DEFAULT_INTERACTION_ORDER = { field: "occurredAt", descending: true };

export const TASK_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  status: { path: "status", type: "enum", values: TASK_STATUSES, normalise: lower },
  priority: { path: "priority", type: "enum", values: TASK_PRIORITIES, normalise: lower },
  assigneeId: { path: "assigneeId", type: "string" },
  ...Object.fromEntries(RECORD_TYPES.map((type) => [`${type}Id`, linked(type)])),
  createdBy: { path: "createdBy", type: "string" },
  dueAt: { path: "dueAt", type: "date", sortable: true },
  completedAt: { path: "completedAt", type: "date" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date" },
};

/** Soonest due first: the order of a to-do list. */
export const DEFAULT_TASK_ORDER = { field: "dueAt", descending: false };

export const TIMELINE_LIST_FIELDS: FieldSpecs = {
  kind: { path: "kind", type: "string", normalise: lower },
  source: { path: "source", type: "string", normalise: lower },
  occurredAt: { path: "occurredAt", type: "date", sortable: true },
};

/** Newest first. */
export const DEFAULT_TIMELINE_ORDER = { field: "occurredAt", descending: true };
