import { createHmac, timingSafeEqual } from "node:crypto";
import { PermissionDeniedError, PreconditionFailedError, ValidationError } from "@crm/kit";
import type { Ticket } from "./ticket";

/** A CSAT rating of a resolved ticket: one per ticket. */
export interface Feedback {
  tenantId: string;
  ticketId: string;
  rating: number;
  comment: string;
  requesterId: string;
  /** The agent and team the ticket was with when rated, for averages per agent and team. */
  assigneeId: string;
  team: string;
  submittedAt: Date;
  via: "agent" | "link";
  submittedBy: string;
}

/** Checks a rating and comment, and that the ticket is resolved or closed: every problem at once. */
export function prepareFeedback(ticket: Pick<Ticket, "status">, input: { rating: number; comment: string }): { rating: number; comment: string } {
  const comment = input.comment.trim();
  const violations = [
    ...(Number.isInteger(input.rating) && input.rating >= 1 && input.rating <= 5 ? [] : [{ field: "rating", description: "must be a whole number from 1 to 5" }]),
    ...(comment.length > 5_000 ? [{ field: "comment", description: "must be at most 5000 characters" }] : []),
  ];
  if (violations.length > 0) throw new ValidationError(violations);
  if (ticket.status !== "resolved" && ticket.status !== "closed") throw new PreconditionFailedError("feedback is taken once the ticket is resolved");
  return { rating: input.rating, comment };
}

/** What a feedback link carries: the tenant and ticket it rates, and until when. */
export interface FeedbackLinkClaims {
  tenantId: string;
  ticketId: string;
  expiresAt: Date;
}

const sign = (key: string, body: string) => createHmac("sha256", key).update(`crm-feedback-link.v1.${body}`).digest();

/**
 * A signed link token: `<base64url claims>.<base64url HMAC-SHA256>`, with the key from
 * configuration. It works once because a ticket takes one feedback; the signature makes it
 * unforgeable and binds it to its tenant and ticket.
 */
export function signFeedbackLink(claims: FeedbackLinkClaims, key: string): string {
  const body = Buffer.from(JSON.stringify({ t: claims.tenantId, k: claims.ticketId, e: Math.floor(+claims.expiresAt / 1000) })).toString("base64url");
  return `${body}.${sign(key, body).toString("base64url")}`;
}

/** The claims of a link token signed with the key and not expired; PERMISSION_DENIED otherwise, without saying which check failed. */
export function verifyFeedbackLink(token: string, key: string, now: Date): FeedbackLinkClaims {
  const refused = new PermissionDeniedError("the feedback link is not valid or has expired");
  const [body, signature, ...rest] = token.split(".");
  if (!body || !signature || rest.length > 0) throw refused;
  const expected = sign(key, body);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused;
  let claims: { t?: unknown; k?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as typeof claims;
  } catch {
    throw refused;
  }
  if (typeof claims.t !== "string" || typeof claims.k !== "string" || typeof claims.e !== "number") throw refused;
  if (claims.e * 1000 <= +now) throw refused;
  return { tenantId: claims.t, ticketId: claims.k, expiresAt: new Date(claims.e * 1000) };
}

/**
 * The links' key when the deployment sets none of its own (FEEDBACK_LINK_KEY): derived from the
 * identity signing key, a secret every deployment has, for this one use only.
 */
export function derivedLinkKey(identitySigningKey: string): string {
  return createHmac("sha256", identitySigningKey).update("crm-feedback-links.v1").digest("base64url");
}

/** The tenant a token names, read without trusting it (to route the call); verifyFeedbackLink decides. */
export function tenantOfFeedbackLink(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as { t?: unknown };
    return typeof claims.t === "string" ? claims.t : undefined;
  } catch {
    return undefined;
  }
}
