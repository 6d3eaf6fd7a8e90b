import type { marketingCampaignV1 } from "@crm/proto";
import type { ServiceClient } from "@crm/kit/edge";
import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { registerResourceRoutes } from "../http/resource-routes";
import { CAMPAIGN_BODY_LIMIT, newSegmentSchema, previewSchema, segmentPatchSchema, segmentPreviewSchema, segmentSchema, toRestSegment, toSegmentInput } from "./campaign-schemas";
import { idParams, ifMatch, ifMatchHeader, maskOf } from "./schemas";

type CampaignClient = ServiceClient<marketingCampaignV1.MarketingCampaignServiceClient>;
const TAG = "Segments";

function toRestPreview(preview: marketingCampaignV1.PreviewSegmentResponse): z.output<typeof previewSchema> {
  return { size: Number(preview.size), sample: preview.sample, contactsScanned: Number(preview.contactsScanned) };
}

/** /v1/segments: saved dynamic filters over contacts with behaviour conditions, or static lists; and their previews. */
export function registerSegmentRoutes(api: ApiRegistry, client: CampaignClient): void {
  registerResourceRoutes(api, {
    path: "/v1/segments", one: "Segment", many: "Segments", tag: TAG, service: "marketing-campaign", input: newSegmentSchema, output: segmentSchema, bodyLimitBytes: CAMPAIGN_BODY_LIMIT,
    create: async (identity, body, requestId) => toRestSegment((await client.call(identity, "createSegment", { segment: toSegmentInput(body), requestId })).segment),
    get: async (identity, id) => toRestSegment((await client.call(identity, "getSegment", { id })).segment),
    list: async (identity, request) => {
      const response = await client.call(identity, "listSegments", request);
      return { items: response.segments.map(toRestSegment), pageInfo: response.pageInfo };
    },
  });

  api.route({
    method: "patch", path: "/v1/segments/:id", operationId: "updateSegment", summary: "Change the fields present in the body", tag: TAG, permission: "marketing-campaign:write",
    params: idParams, body: segmentPatchSchema, headers: [ifMatchHeader("segment")], bodyLimitBytes: CAMPAIGN_BODY_LIMIT, response: { status: 200, schema: segmentSchema, description: "The segment" },
    handler: async ({ params, body, identity, req }) => {
      const { segment } = await client.call(identity, "updateSegment", { id: params.id, segment: toSegmentInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      return toRestSegment(segment);
    },
  });

  api.route({
    method: "delete", path: "/v1/segments/:id", operationId: "deleteSegment", summary: "Delete a segment no campaign still to send uses", tag: TAG, permission: "marketing-campaign:write",
    params: idParams, headers: [ifMatchHeader("segment")], response: { status: 204, description: "Deleted" },
    handler: async ({ params, identity, req }) => void (await client.call(identity, "deleteSegment", { id: params.id, etag: ifMatch(req.get("if-match")) })),
  });

  api.route({
    method: "get", path: "/v1/segments/:id/preview", operationId: "previewSegment", summary: "A segment's size now and a sample of its members", tag: TAG, permission: "marketing-campaign:read",
    params: idParams, query: z.object({ sampleSize: z.coerce.number().int().min(1).max(50).optional() }).strict(),
    response: { status: 200, schema: previewSchema, description: "Its size and a sample" },
    handler: async ({ params, query, identity }) => toRestPreview(await client.call(identity, "previewSegment", { subject: { $case: "segmentId", segmentId: params.id }, sampleSize: query.sampleSize ?? 0 })),
  });

  api.route({
    method: "post", path: "/v1/segments/preview", operationId: "previewSegmentDefinition", summary: "The size and a sample of a segment not yet saved", tag: TAG, permission: "marketing-campaign:read",
    body: segmentPreviewSchema, bodyLimitBytes: CAMPAIGN_BODY_LIMIT, response: { status: 200, schema: previewSchema, description: "Its size and a sample" },
    handler: async ({ body, identity }) => {
      const { sampleSize, ...segment } = body;
      return toRestPreview(await client.call(identity, "previewSegment", { subject: { $case: "segment", segment: toSegmentInput(segment) }, sampleSize: sampleSize ?? 0 }));
    },
  });
}
