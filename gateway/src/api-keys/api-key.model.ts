import { registerModel, tenantScopePlugin } from "@crm/kit/edge-store";
import { Schema, type Connection, type Model } from "mongoose";

/** A machine client's credential. Only the SHA-256 of its secret is stored: the key is shown once, at creation. */
export interface ApiKeyDocument {
  _id: string;
  tenantId: string;
  name: string;
  /** SHA-256 (hex) of the secret part of the key. */
  secretHash: string;
  /** Permissions granted (`contacts:read`…), at most those of its creator. */
  scopes: string[];
  /** The creator's record restriction, carried by the key (absent: every record). */
  owners?: string[];
  /** The key's own rate limit (requests per minute), when it has one. */
  requestsPerMinute?: number;
  createdBy: string;
  createdAt: Date;
  expiresAt?: Date;
  revokedAt?: Date;
  lastUsedAt?: Date;
}

const schema = new Schema<ApiKeyDocument>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    secretHash: { type: String, required: true },
    scopes: { type: [String], default: [] },
    owners: { type: [String], default: undefined },
    requestsPerMinute: Number,
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: Date,
    revokedAt: Date,
    lastUsedAt: Date,
  },
  { collection: "api_keys", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
// The tenant's keys, newest first (the list's default order and its cursor's tie-breaker).
schema.index({ tenantId: 1, createdAt: -1, _id: -1 });

export type ApiKeyModel = Model<ApiKeyDocument>;

export function createApiKeyModel(connection: Connection): Promise<ApiKeyModel> {
  return registerModel(connection, "ApiKey", schema);
}
