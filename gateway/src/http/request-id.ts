import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";

const ACCEPTABLE = /^[A-Za-z0-9._-]{1,100}$/;

/** Echoes a sane X-Request-Id from the caller, or makes one, for correlation in logs. */
export const requestId: RequestHandler = (req, res, next) => {
  const given = req.get("x-request-id");
  res.setHeader("x-request-id", given && ACCEPTABLE.test(given) ? given : randomUUID());
  next();
};
