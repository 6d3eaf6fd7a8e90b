import { AsyncLocalStorage } from "node:async_hooks";
import type { Identity } from "./identity";

/**
 * The identity of the call being handled, for the data access beneath it: the RPC wrapper runs
 * each handler inside `runAsCaller`, and the owned-records plugin (mongo/owned-records.ts) reads
 * the caller's record restriction from here, so that no repository can forget it.
 */
const caller = new AsyncLocalStorage<Identity>();

export function runAsCaller<T>(identity: Identity, work: () => T): T {
  return caller.run(identity, work);
}

/** The identity of the call in progress, if code runs on behalf of one. */
export function currentCaller(): Identity | undefined {
  return caller.getStore();
}

/**
 * Runs work that belongs to no caller (a background worker kicked by a request), so that it is
 * not limited to that caller's records by accident.
 */
export function outsideCaller<T>(work: () => T): T {
  return caller.exit(work);
}

/** The owner ids the current caller is limited to, or undefined when it may see every record. */
export function callerOwners(): readonly string[] | undefined {
  return caller.getStore()?.owners;
}

/** Whether the current caller may see a record with this owner (for reads that bypass the database, e.g. a cache). */
export function callerMaySee(owner: string | undefined): boolean {
  const owners = callerOwners();
  return owners === undefined || (owner !== undefined && owners.includes(owner));
}

/** The owner of a new record: the one given, or the caller itself when it is limited to its own records. */
export function ownerOfNewRecord(given: string): string {
  const caller = currentCaller();
  return given || (caller?.owners ? caller.subject : "");
}
