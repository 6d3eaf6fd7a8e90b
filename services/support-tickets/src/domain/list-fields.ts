import type { FieldSpecs } from "@crm/kit";
import { CHANNELS, PRIORITIES, STATUSES } from "./vocabulary";

const lower = (value: string) => value.trim().toLowerCase();

/**
 * What ListTickets may filter and order by: the API name, the stored path, the type. Only
 * these fields ever reach a query; a sortable one needs an index in store/ticket.model.ts.
 * The queue is `open[eq]:true` ordered by `priorityRank` (0 low ... 3 urgent) or `slaDueAt`
 * (the soonest running SLA deadline).
 */
export const TICKET_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  status: { path: "status", type: "enum", values: STATUSES, normalise: lower },
  priority: { path: "priority", type: "enum", values: PRIORITIES, normalise: lower },
  channel: { path: "channel", type: "enum", values: CHANNELS, normalise: lower },
  open: { path: "open", type: "boolean" },
  category: { path: "category", type: "string" },
  requesterId: { path: "requesterId", type: "string" },
  assigneeId: { path: "assigneeId", type: "string" },
  team: { path: "team", type: "string" },
  organizationId: { path: "organizationId", type: "string" },
  dealId: { path: "dealId", type: "string" },
  productId: { path: "productId", type: "string" },
  tags: { path: "tags", type: "string", normalise: lower },
  breached: { path: "sla.breached", type: "boolean" },
  createdBy: { path: "createdBy", type: "string" },
  priorityRank: { path: "priorityRank", type: "number", sortable: true },
  slaDueAt: { path: "slaDueAt", type: "date", sortable: true },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

/** Newest first, unless the caller orders otherwise. */
export const DEFAULT_TICKET_ORDER = { field: "createdAt", descending: true };
