import { createHmac, timingSafeEqual } from "node:crypto";
import { marketingCampaignV1 } from "@crm/proto";
import { UnauthenticatedError, type Identity, type ServiceClient } from "@crm/kit/edge";
import type { Request } from "express";
import { z } from "zod";
import type { ApiRegistry, HeaderDefinition } from "../http/api-registry";
import type { ProviderWebhookSettings } from "../modules/gateway-module";
import { bounceKind, responseOutcome, responseType } from "./campaign-schemas";
import { idSchema } from "./schemas";

type CampaignClient = ServiceClient<marketingCampaignV1.MarketingCampaignServiceClient>;

const SIGNATURE = /^v1=[0-9a-f]{64}$/;
export const SIGNATURE_HEADER: HeaderDefinition = {
  name: "X-Crm-Signature",
  description: "v1=<hex HMAC-SHA256 of `<X-Crm-Timestamp>.<raw body>` with the provider webhook secret>",
  pattern: SIGNATURE,
  violation: "must be v1= and 64 lower-case hex digits",
};
export const TIMESTAMP_HEADER: HeaderDefinition = {
  name: "X-Crm-Timestamp",
  description: "Unix time (seconds) of the signature; refused when further from now than the gateway's tolerance (replays)",
  pattern: /^\d{1,12}$/,
  violation: "must be Unix seconds",
};

const providerEventSchema = z
  .object({
    id: z.string().min(1).max(200).describe("The provider's id of this event: a repeat is recorded once"),
    tenantId: z.string().min(1).max(100).describe("As the message carried it to the provider (its custom arguments)"),
    messageId: idSchema.describe("X-Crm-Message-ID of the message"),
    type: responseType.schema,
    bounceKind: bounceKind.schema.optional().describe("For bounced: soft, hard or auto_reply"),
    url: z.string().max(2_000).optional().describe("For clicked: the link's target"),
    occurredAt: z.iso.datetime({ offset: true }).describe("ISO 8601"),
  })
  .strict();

const webhookSchema = z.object({ events: z.array(providerEventSchema).min(1).max(500) }).strict();
const answerSchema = z.object({ results: z.array(z.object({ id: z.string(), outcome: z.string().describe(responseOutcome.schema.description ?? "") })) });

/** The signature a provider computes: HMAC-SHA256 over `<timestamp>.<body>`, hex. */
export function signProviderWebhook(secret: string, timestamp: string, body: Buffer | string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex")}`;
}

/** Refuses (401) a request whose signature is missing, wrong or too old; nothing of it is read before. */
function verify(req: Request & { rawBody?: Buffer }, settings: ProviderWebhookSettings): void {
  if (!settings.secret) throw new UnauthenticatedError("signed provider webhooks are not configured on this gateway (PROVIDER_WEBHOOK_SECRET)");
  const signature = req.get(SIGNATURE_HEADER.name);
  const timestamp = req.get(TIMESTAMP_HEADER.name);
  if (!signature || !timestamp) throw new UnauthenticatedError("the request is not signed (X-Crm-Signature, X-Crm-Timestamp)");
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > settings.toleranceSeconds) throw new UnauthenticatedError("the signature's timestamp is too old or in the future");
  const expected = Buffer.from(signProviderWebhook(settings.secret, timestamp, req.rawBody ?? Buffer.alloc(0)));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new UnauthenticatedError("the signature does not match");
}

/**
 * POST /v1/campaign-provider/events: what the channel provider reports about messages (delivered,
 * opened, clicked, bounced, complained, unsubscribed), signed with the shared secret over the
 * timestamp and the body. Each event names the tenant and message id the message carried; the
 * signature is what makes that trustworthy. Events go to the marketing-campaign service per
 * tenant, which records each provider event id once.
 */
export function registerProviderWebhookRoute(api: ApiRegistry, client: CampaignClient, settings: ProviderWebhookSettings): void {
  api.route({
    method: "post", path: "/v1/campaign-provider/events", operationId: "recordProviderEvents", summary: "The channel provider's signed delivery and response reports", tag: "Campaigns",
    permission: "marketing-campaign:write", authentication: "signature", headers: [SIGNATURE_HEADER, TIMESTAMP_HEADER], body: webhookSchema, bodyLimitBytes: 8 * 1024 * 1024,
    response: { status: 200, schema: answerSchema, description: "What became of each event, in order" },
    handler: async ({ body, req }) => {
      verify(req, settings);
      const byTenant = new Map<string, number[]>();
      body.events.forEach((event, index) => byTenant.set(event.tenantId, [...(byTenant.get(event.tenantId) ?? []), index]));
      const outcomes: string[] = new Array(body.events.length);
      for (const [tenantId, indexes] of byTenant) {
        const identity: Identity = { subject: "service:provider-webhook", tenantId, roles: ["service"], scopes: [] };
        const events = indexes.map((index) => {
          const event = body.events[index]!;
          return marketingCampaignV1.ProviderEvent.fromPartial({
            eventId: event.id, messageId: event.messageId, type: responseType.toProto(event.type), bounceKind: bounceKind.toProto(event.bounceKind),
            url: event.url ?? "", occurTime: new Date(event.occurredAt),
          });
        });
        const answer = await client.call(identity, "recordResponses", { events });
        indexes.forEach((index, position) => (outcomes[index] = responseOutcome.fromProto(answer.outcomes[position] ?? 0)));
      }
      return { results: body.events.map((event, index) => ({ id: event.id, outcome: outcomes[index] ?? "" })) };
    },
  });
}
