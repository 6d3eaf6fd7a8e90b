import type { FieldSpecs } from "@crm/kit";
import { CAMPAIGN_STATUSES, CHANNELS } from "./campaign";
import { SEGMENT_KINDS } from "./segment";

/**
 * What ListCampaigns may filter and order by: the API name, the stored path, the type. Only
 * these fields ever reach a query; a sortable one needs an index in store/campaign.model.ts.
 */
export const CAMPAIGN_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  status: { path: "status", type: "enum", values: CAMPAIGN_STATUSES },
  channel: { path: "channel", type: "enum", values: CHANNELS },
  purposeId: { path: "purposeId", type: "string" },
  segmentId: { path: "segmentId", type: "string" },
  createdBy: { path: "createdBy", type: "string" },
  scheduledAt: { path: "scheduledAt", type: "date" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

/** Newest first, unless the caller orders otherwise. */
export const DEFAULT_CAMPAIGN_ORDER = { field: "createdAt", descending: true };

export const SEGMENT_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  kind: { path: "kind", type: "enum", values: SEGMENT_KINDS },
  createdBy: { path: "createdBy", type: "string" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

export const DEFAULT_SEGMENT_ORDER = { field: "createdAt", descending: true };
