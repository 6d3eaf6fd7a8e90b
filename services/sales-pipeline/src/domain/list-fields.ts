import type { FieldSpecs } from "@crm/kit";
import { STAGE_KINDS } from "./pipeline";
import { LEAD_SOURCES, LEAD_STATUSES } from "./lead";
import { ORDER_STATUSES } from "./order";

/**
 * What each List method may filter and order by: the API name, the stored path, the type. Only
 * these fields ever reach a query; a sortable one needs an index in its store/<entity>.model.ts.
 */
const upper = (value: string) => value.trim().toUpperCase();
const lower = (value: string) => value.trim().toLowerCase();

export const LEAD_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  status: { path: "status", type: "enum", values: LEAD_STATUSES },
  source: { path: "source", type: "enum", values: LEAD_SOURCES },
  sourceDetail: { path: "sourceDetail", type: "string" },
  ownerId: { path: "ownerId", type: "string" },
  score: { path: "score", type: "number", sortable: true },
  tags: { path: "tags", type: "string", normalise: lower },
  country: { path: "country", type: "string", normalise: upper },
  email: { path: "person.email", type: "string", normalise: lower },
  title: { path: "person.title", type: "string" },
  industry: { path: "company.industry", type: "string" },
  companyName: { path: "company.name", type: "string" },
  companySize: { path: "company.size", type: "string" },
  contactId: { path: "contactId", type: "string" },
  organizationId: { path: "organizationId", type: "string" },
  createdBy: { path: "createdBy", type: "string" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};
export const DEFAULT_LEAD_ORDER = { field: "createdAt", descending: true };

export const PIPELINE_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date" },
};
export const DEFAULT_PIPELINE_ORDER = { field: "createdAt", descending: false };

export const DEAL_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  pipelineId: { path: "pipelineId", type: "string" },
  stageId: { path: "stageId", type: "string" },
  status: { path: "status", type: "enum", values: STAGE_KINDS },
  ownerId: { path: "ownerId", type: "string" },
  organizationId: { path: "organizationId", type: "string" },
  contactId: { path: "stakeholders.contactId", type: "string" },
  competitorId: { path: "competitors.organizationId", type: "string" },
  currency: { path: "amount.currency", type: "string", normalise: upper },
  amount: { path: "amount.minor", type: "number", sortable: true },
  probability: { path: "probability", type: "number" },
  expectedCloseDate: { path: "expectedCloseDate", type: "string", sortable: true },
  leadId: { path: "leadId", type: "string" },
  closedAt: { path: "closedAt", type: "date" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};
export const DEFAULT_DEAL_ORDER = { field: "updatedAt", descending: true };

export const PRODUCT_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  sku: { path: "sku", type: "string", normalise: upper, sortable: true },
  name: { path: "name", type: "string", sortable: true },
  billing: { path: "billing", type: "enum", values: ["one_off", "recurring"] },
  active: { path: "active", type: "boolean" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date" },
};
export const DEFAULT_PRODUCT_ORDER = { field: "sku", descending: false };

export const ORDER_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  contactId: { path: "contactId", type: "string" },
  organizationId: { path: "organizationId", type: "string" },
  dealId: { path: "dealId", type: "string" },
  status: { path: "status", type: "enum", values: ORDER_STATUSES },
  currency: { path: "currency", type: "string", normalise: upper },
  total: { path: "totalMinor", type: "number" },
  sku: { path: "lines.sku", type: "string", normalise: upper },
  placedAt: { path: "placedAt", type: "date", sortable: true },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date" },
};
export const DEFAULT_ORDER_ORDER = { field: "placedAt", descending: true };

export const CUSTOMER_VALUE_LIST_FIELDS: FieldSpecs = {
  customerType: { path: "customerType", type: "enum", values: ["contact", "organization"] },
  customerId: { path: "customerId", type: "string" },
  currency: { path: "currency", type: "string", normalise: upper },
  lifetimeValue: { path: "lifetimeMinor", type: "number", sortable: true },
  orderCount: { path: "orderCount", type: "number", sortable: true },
  averageOrderValue: { path: "averageMinor", type: "number" },
  firstPurchaseAt: { path: "firstPurchaseAt", type: "date" },
  lastPurchaseAt: { path: "lastPurchaseAt", type: "date", sortable: true },
  activeProduct: { path: "activeSkus", type: "string", normalise: upper },
};
export const DEFAULT_CUSTOMER_VALUE_ORDER = { field: "lifetimeValue", descending: true };
