import type { Response } from "express";
import { JsonText } from "../http/api-registry";
import type { ReadCache } from "./read-cache";

/**
 * Answers a single-resource read from the cache, or from `read` (the service), filling the
 * cache with the answer when nothing changed the resource meanwhile. Sets the ETag either way.
 * The cache is shared by the tenant's callers: one limited to some owners (Identity.owners) is
 * answered from it only for a record one of them owns, and asks the service otherwise (which
 * does not find the others).
 */
export async function cachedRead(
  cache: ReadCache, key: string, res: Response, read: () => Promise<{ etag: string; body: unknown; owner: string }>, owners?: readonly string[],
): Promise<JsonText> {
  const cached = cache.get(key);
  if (cached && (owners === undefined || owners.includes(cached.owner))) {
    res.setHeader("ETag", cached.etag);
    return new JsonText(cached.json);
  }
  const ticket = cache.ticket(key);
  const { etag, body, owner } = await read();
  const json = JSON.stringify(body);
  cache.fill(ticket, { etag, json, owner });
  res.setHeader("ETag", etag);
  return new JsonText(json);
}
