import type { Response } from "express";
import { JsonText } from "../http/api-registry";
import type { ReadCache } from "./read-cache";

/**
 * Answers a single-resource read from the cache, or from `read` (the service), filling the
 * cache with the answer when nothing changed the resource meanwhile. Sets the ETag either way.
 */
export async function cachedRead(cache: ReadCache, key: string, res: Response, read: () => Promise<{ etag: string; body: unknown }>): Promise<JsonText> {
  const cached = cache.get(key);
  if (cached) {
    res.setHeader("ETag", cached.etag);
    return new JsonText(cached.json);
  }
  const ticket = cache.ticket(key);
  const { etag, body } = await read();
  const json = JSON.stringify(body);
  cache.fill(ticket, { etag, json });
  res.setHeader("ETag", etag);
  return new JsonText(json);
}
