import type { Query, Schema } from "mongoose";
import { callerOwners, currentCaller } from "../caller-scope";
import { PermissionDeniedError } from "../errors";
import { SCOPED_QUERIES } from "./tenant-scope";


export interface OwnedRecordsOptions {
  /** The field holding the owner's id (a user or a team), e.g. `ownerId`. */
  field: string;
}

/**
 * Record-level permissions, enforced like tenant scoping: on a model whose records have an
 * owner, every query made while handling a caller limited to some owners (Identity.owners)
 * matches only records owned by one of them, whichever repository method built it. Gets,
 * lists, searches, streams and exports all go through these queries; a record the caller may
 * not see is simply not found. A new record of such a caller must be owned by it or one of its
 * teams (its own id when none is given). Callers without a restriction, consumers and
 * background workers (no caller) see every record of the tenant.
 */
export function ownedRecordsPlugin(schema: Schema, { field }: OwnedRecordsOptions): void {
  const restrict = function (this: Query<unknown, unknown>) {
    const owners = callerOwners();
    if (owners) this.and([{ [field]: { $in: [...owners] } }]);
  };
  for (const operation of SCOPED_QUERIES) schema.pre(operation, restrict);
  schema.pre("aggregate", function () {
    const owners = callerOwners();
    if (!owners) return;
    const pipeline = this.pipeline() as unknown as Array<Record<string, unknown>>;
    const first = pipeline[0]?.$match as Record<string, unknown> | undefined;
    const condition = { [field]: { $in: [...owners] } };
    // The tenant's $match stays first (the tenant guard looks there); the owners join it.
    if (first) pipeline[0] = { $match: { ...first, $and: [...((first.$and as object[] | undefined) ?? []), condition] } };
    else pipeline.unshift({ $match: condition });
  });
  schema.pre("validate", function () {
    const caller = currentCaller();
    if (!caller?.owners || !this.isNew) return;
    const owner = this.get(field) as string | undefined;
    if (!owner) this.set(field, caller.subject);
    else if (!caller.owners.includes(owner)) throw new PermissionDeniedError(`${field}: a record can only be given to yourself or your team`);
  });
}
