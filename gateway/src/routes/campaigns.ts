import type { marketingCampaignV1 } from "@crm/proto";
import type { Identity, ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { registerResourceRoutes } from "../http/resource-routes";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import {
  CAMPAIGN_BODY_LIMIT, campaignPatchSchema, campaignSchema, metricsSchema, newCampaignSchema, scheduleSchema, sentMessageSchema, settingsPatchSchema, settingsSchema,
  toCampaignInput, toRestCampaign, toRestMessage, toRestMetrics,
} from "./campaign-schemas";
import { idParams, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";

type CampaignClient = ServiceClient<marketingCampaignV1.MarketingCampaignServiceClient>;
const TAG = "Campaigns";
const one = { status: 200, schema: campaignSchema, description: "The campaign" };

/** /v1/campaigns: drafts, schedules, sends (jobs), pauses, resumes, cancellations and metrics; the tenant's sending settings; a contact's messages. */
export function registerCampaignRoutes(api: ApiRegistry, client: CampaignClient): void {
  registerResourceRoutes(api, {
    path: "/v1/campaigns", one: "Campaign", many: "Campaigns", tag: TAG, service: "marketing-campaign", input: newCampaignSchema, output: campaignSchema, bodyLimitBytes: CAMPAIGN_BODY_LIMIT,
    create: async (identity, body, requestId) => toRestCampaign((await client.call(identity, "createCampaign", { campaign: toCampaignInput(body), requestId })).campaign),
    get: async (identity, id) => toRestCampaign((await client.call(identity, "getCampaign", { id })).campaign),
    list: async (identity, request) => {
      const response = await client.call(identity, "listCampaigns", request);
      return { items: response.campaigns.map(toRestCampaign), pageInfo: response.pageInfo };
    },
  });

  api.route({
    method: "patch", path: "/v1/campaigns/:id", operationId: "updateCampaign", summary: "Change a draft's fields present in the body", tag: TAG, permission: "marketing-campaign:write",
    params: idParams, body: campaignPatchSchema, headers: [ifMatchHeader("campaign")], response: one, bodyLimitBytes: CAMPAIGN_BODY_LIMIT,
    handler: async ({ params, body, identity, req, res }) => {
      const { campaign } = await client.call(identity, "updateCampaign", { id: params.id, campaign: toCampaignInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", campaign?.etag ?? "");
      return toRestCampaign(campaign);
    },
  });

  api.route({
    method: "post", path: "/v1/campaigns/:id/schedule", operationId: "scheduleCampaign", summary: "Schedule a campaign for a wall-clock time in a time zone", tag: TAG,
    permission: "marketing-campaign:write", params: idParams, body: scheduleSchema, headers: [ifMatchHeader("campaign")], response: one,
    handler: async ({ params, body, identity, req }) =>
      toRestCampaign((await client.call(identity, "scheduleCampaign", { id: params.id, localTime: body.localTime, timeZone: body.timeZone, etag: ifMatch(req.get("if-match")) })).campaign),
  });

  api.route({
    method: "post", path: "/v1/campaigns/:id/send", operationId: "sendCampaign", summary: "Send a campaign now: a job (poll the campaign for its progress)", tag: TAG,
    permission: "marketing-campaign:write", params: idParams, headers: [ifMatchHeader("campaign")],
    response: { status: 202, schema: campaignSchema, description: "Accepted: the send runs on its own; the Location is the campaign to poll (status sent when done)" },
    handler: async ({ params, identity, req, res }) => {
      const { campaign } = await client.call(identity, "sendCampaign", { id: params.id, etag: ifMatch(req.get("if-match")) });
      res.location(`/v1/campaigns/${params.id}`);
      return toRestCampaign(campaign);
    },
  });

  const action = (name: "pause" | "resume" | "cancel", summary: string) =>
    api.route({
      method: "post", path: `/v1/campaigns/:id/${name}`, operationId: `${name}Campaign`, summary, tag: TAG, permission: "marketing-campaign:write",
      params: idParams, response: one,
      handler: async ({ params, identity }) => toRestCampaign((await client.call(identity, `${name}Campaign`, { id: params.id })).campaign),
    });
  action("pause", "Pause a scheduled or sending campaign (sends in flight finish)");
  action("resume", "Resume a paused campaign where it was");
  action("cancel", "Cancel a campaign for good: recipients not reached yet are not sent to");

  api.route({
    method: "get", path: "/v1/campaigns/:id/metrics", operationId: "getCampaignMetrics", summary: "Audience, exclusions, sends, response rates and influence, overall and per variant", tag: TAG,
    permission: "marketing-campaign:read", params: idParams, response: { status: 200, schema: metricsSchema, description: "The campaign's figures" },
    handler: async ({ params, identity }) => toRestMetrics(await client.call(identity, "getCampaignMetrics", { id: params.id })),
  });

  api.route({
    method: "get", path: "/v1/contacts/:id/messages", operationId: "listContactMessages", summary: "Every campaign message sent to a contact, with its responses, newest first", tag: TAG,
    permission: "marketing-campaign:read", params: idParams, query: listQuerySchema.pick({ limit: true, after: true, before: true }).strict(),
    response: { status: 200, schema: z.object({ data: z.array(sentMessageSchema), pageInfo: pageInfoSchema }), description: "One page" },
    handler: async ({ params, query, identity }) => {
      const { page } = toListRequest(query);
      const response = await client.call(identity, "listContactMessages", { contactId: params.id, page });
      return { data: response.messages.map(toRestMessage), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  const toRestSettings = (settings: marketingCampaignV1.CampaignSettings | undefined) => ({
    sendRatePerSecond: settings?.sendRatePerSecond ?? 0, softBounceLimit: settings?.softBounceLimit ?? 0, softBounceWindowDays: settings?.softBounceWindowDays ?? 0,
  });
  api.route({
    method: "get", path: "/v1/campaign-settings", operationId: "getCampaignSettings", summary: "The tenant's sending rate and bounce rules", tag: TAG, permission: "marketing-campaign:read",
    response: { status: 200, schema: settingsSchema, description: "The settings" },
    handler: async ({ identity }: { identity: Identity }) => toRestSettings((await client.call(identity, "getCampaignSettings", {})).settings),
  });
  api.route({
    method: "patch", path: "/v1/campaign-settings", operationId: "updateCampaignSettings", summary: "Change the settings present in the body", tag: TAG, permission: "marketing-campaign:write",
    body: settingsPatchSchema, response: { status: 200, schema: settingsSchema, description: "The settings" },
    handler: async ({ body, identity }) => {
      const settings = { sendRatePerSecond: body.sendRatePerSecond ?? 0, softBounceLimit: body.softBounceLimit ?? 0, softBounceWindowDays: body.softBounceWindowDays ?? 0, etag: "" };
      return toRestSettings((await client.call(identity, "updateCampaignSettings", { settings, updateMask: maskOf(body) })).settings);
    },
  });
}
