import type { FieldSpecs } from "@crm/kit";

/**
 * What ListLeads may filter and order by: the API name, the stored path, the type. Only
 * these fields ever reach a query; a sortable one needs an index in store/lead.model.ts.
 */
export const LEAD_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  createdBy: { path: "createdBy", type: "string" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

/** Newest first, unless the caller orders otherwise. */
export const DEFAULT_LEAD_ORDER = { field: "createdAt", descending: true };
