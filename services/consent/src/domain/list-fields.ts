import type { FieldSpecs } from "@crm/kit";
import { ACTIONS, CHANNELS, SOURCES } from "./consent";
import { LAWFUL_BASES, OPT_MODES } from "./purpose";
import { SUBJECT_REQUEST_KINDS } from "./subject-request";
import { SUPPRESSION_TYPES } from "./suppression";

// What each list may filter and order by: the API name, the stored path, the type. Only these
// fields ever reach a query; each sortable one has an index in its store/*.model.ts.

export const PURPOSE_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  name: { path: "name", type: "string", sortable: true },
  key: { path: "key", type: "string", sortable: true },
  lawfulBasis: { path: "lawfulBasis", type: "enum", values: LAWFUL_BASES },
  optMode: { path: "optMode", type: "enum", values: OPT_MODES },
  createdBy: { path: "createdBy", type: "string" },
  createdAt: { path: "createdAt", type: "date", sortable: true },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

/** Newest first, unless the caller orders otherwise. */
export const DEFAULT_PURPOSE_ORDER = { field: "createdAt", descending: true };

export const CONSENT_LIST_FIELDS: FieldSpecs = {
  subjectId: { path: "subjectId", type: "string" },
  purposeId: { path: "purposeId", type: "string" },
  channel: { path: "channel", type: "enum", values: CHANNELS },
  status: { path: "status", type: "enum", values: ["granted", "withdrawn"] },
  source: { path: "source", type: "enum", values: SOURCES },
  changedAt: { path: "changedAt", type: "date", sortable: true },
  expiresAt: { path: "expiresAt", type: "date" },
  updatedAt: { path: "updatedAt", type: "date", sortable: true },
};

export const DEFAULT_CONSENT_ORDER = { field: "updatedAt", descending: true };

export const HISTORY_LIST_FIELDS: FieldSpecs = {
  kind: { path: "kind", type: "enum", values: ["consent", "erasure"] },
  subjectId: { path: "subjectId", type: "string" },
  purposeId: { path: "purposeId", type: "string" },
  channel: { path: "channel", type: "enum", values: CHANNELS },
  action: { path: "action", type: "enum", values: ACTIONS },
  source: { path: "source", type: "enum", values: SOURCES },
  recordedBy: { path: "recordedBy", type: "string" },
  seq: { path: "seq", type: "number", sortable: true },
  occurredAt: { path: "occurredAt", type: "date" },
  recordedAt: { path: "recordedAt", type: "date" },
};

/** The latest entry first. */
export const DEFAULT_HISTORY_ORDER = { field: "seq", descending: true };

export const SUPPRESSION_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  type: { path: "type", type: "enum", values: SUPPRESSION_TYPES },
  address: { path: "address", type: "string", normalise: (value) => value.trim().toLowerCase(), sortable: true },
  createdAt: { path: "createdAt", type: "date", sortable: true },
};

export const DEFAULT_SUPPRESSION_ORDER = { field: "createdAt", descending: true };

export const SUBJECT_REQUEST_LIST_FIELDS: FieldSpecs = {
  id: { path: "_id", type: "string" },
  kind: { path: "kind", type: "enum", values: SUBJECT_REQUEST_KINDS },
  status: { path: "status", type: "enum", values: ["in_progress", "completed"] },
  subjectId: { path: "subject.contactId", type: "string" },
  requestedAt: { path: "requestedAt", type: "date", sortable: true },
  completedAt: { path: "completedAt", type: "date" },
};

export const DEFAULT_SUBJECT_REQUEST_ORDER = { field: "requestedAt", descending: true };
