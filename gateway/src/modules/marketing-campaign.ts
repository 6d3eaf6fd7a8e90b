import { eventsV1, marketingCampaignV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { InvalidationSource } from "../cache/event-invalidation";
import { ReadCache } from "../cache/read-cache";
import type { CustomerPart } from "../customer360/customer-part";
import { sentMessageSchema, toRestMessage } from "../routes/campaign-schemas";
import { registerCampaignRoutes } from "../routes/campaigns";
import { registerProviderWebhookRoute } from "../routes/campaign-provider-webhook";
import { registerSegmentRoutes } from "../routes/segments";
import { defineGatewayService } from "./gateway-module";

type CampaignClient = ServiceClient<marketingCampaignV1.MarketingCampaignServiceClient>;

/** A contact's campaign history, as a cached 360 answer depends on it. */
const HISTORY_KIND = "campaign-history";

/** Messages sent and responses recorded change the history of the contact they name (other events change nothing cached). */
const invalidations: InvalidationSource = {
  subject: "crm.marketing-campaign.campaign.>",
  keysOf(type, tenantId, payload) {
    if (type === "crm.events.v1.CampaignMessageSent") return [ReadCache.key(tenantId, HISTORY_KIND, eventsV1.CampaignMessageSent.decode(payload).contactId)];
    if (type === "crm.events.v1.CampaignResponseRecorded") return [ReadCache.key(tenantId, HISTORY_KIND, eventsV1.CampaignResponseRecorded.decode(payload).contactId)];
    return [];
  },
};

/** The customer 360's campaign history: the last messages sent to the person, with their responses. */
const campaignHistorySchema = z.object({ messages: z.array(sentMessageSchema).describe("Newest first, at most 10"), hasMore: z.boolean() });

function campaignParts(client: CampaignClient): CustomerPart[] {
  const history: CustomerPart<z.output<typeof campaignHistorySchema>> = {
    name: "campaigns",
    permission: "marketing-campaign:read",
    schema: campaignHistorySchema,
    read: async (context) => {
      context.dependsOn(ReadCache.key(context.identity.tenantId, HISTORY_KIND, context.contactId));
      const answer = await client.call(context.identity, "listContactMessages", { contactId: context.contactId, page: { pageSize: 10, pageToken: "", direction: 0 } }, { timeoutMs: context.timeoutMs });
      return { messages: answer.messages.map(toRestMessage), hasMore: answer.pageInfo?.hasNextPage ?? false };
    },
  };
  return [history];
}

/** Marketing campaigns: segments, campaigns and their metrics, a contact's messages, the provider's signed webhook, the 360's campaign history. */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(marketingCampaignV1.MarketingCampaignServiceClient, address, {
      identityKey,
      timeoutMs,
      reads: ["getSegment", "listSegments", "previewSegment", "getCampaign", "listCampaigns", "getCampaignMetrics", "listContactMessages", "getCampaignSettings"],
    }),
  registerRoutes: (api, client, { providerWebhooks }) => {
    registerSegmentRoutes(api, client);
    registerCampaignRoutes(api, client);
    registerProviderWebhookRoute(api, client, providerWebhooks);
  },
  customerParts: campaignParts,
  invalidations,
});
