import type { Query, Schema } from "mongoose";

/** The query operations that read or write documents: each must be scoped (to the tenant, to the caller's records). */
export const SCOPED_QUERIES = [
  "countDocuments",
  "deleteMany",
  "deleteOne",
  "distinct",
  "find",
  "findOne",
  "findOneAndDelete",
  "findOneAndReplace",
  "findOneAndUpdate",
  "replaceOne",
  "updateMany",
  "updateOne",
] as const;

export class TenantScopeError extends Error {}

/**
 * Every document has a tenantId, and every query and aggregation through a model must name one:
 * a forgotten filter fails loudly instead of reading another tenant's data. Infrastructure that
 * must work across tenants (the outbox relay) uses the raw collection on purpose.
 */
export function tenantScopePlugin(schema: Schema): void {
  schema.add({ tenantId: { type: String, required: true, immutable: true } });
  const requireTenant = function (this: Query<unknown, unknown>) {
    const tenantId = this.getFilter().tenantId;
    if (typeof tenantId !== "string" || tenantId.length === 0) {
      throw new TenantScopeError(`${this.model.modelName}: query has no tenantId`);
    }
  };
  for (const operation of SCOPED_QUERIES) schema.pre(operation, requireTenant);
  schema.pre("aggregate", function () {
    const first = this.pipeline()[0] as { $match?: { tenantId?: unknown } } | undefined;
    if (typeof first?.$match?.tenantId !== "string") {
      throw new TenantScopeError("aggregation must start with a $match on tenantId");
    }
  });
}
