import type { ErrorRequestHandler, RequestHandler } from "express";
import { HttpError } from "../http/problem";

/**
 * Answers 504 problem+json (through the error handler given) when a request takes longer than
 * `ms`: the client gets an answer it can act on (a create retried with its Idempotency-Key)
 * instead of a connection left hanging. What the handler does afterwards is dropped
 * (res.locals.timedOut).
 */
export function requestTimeout(ms: number, answer: ErrorRequestHandler): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      answer(new HttpError(504, `no answer within ${ms} ms`), req, res, () => undefined);
      res.locals.timedOut = true;
    }, ms);
    const clear = () => clearTimeout(timer);
    res.once("finish", clear).once("close", clear);
    next();
  };
}
