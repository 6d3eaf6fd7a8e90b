import { marketingCampaignV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, type Identity, PreconditionFailedError, requireId, type ServiceRuntime, ValidationError } from "@crm/kit";
import { prepareSegment, type SegmentDraft, type SegmentFields } from "../domain/segment";
import { fromUpstream } from "../clients/upstream-errors";
import type { SegmentMembers } from "../sending/segment-members";
import type { CampaignRepository } from "../store/campaign-repository";
import type { SegmentRepository } from "../store/segment-repository";
import { toProtoSegment, toSegmentDraft } from "./segment-mapping";

const SEGMENT_MASK = { name: "name", description: "description", filter: "filterJson", behaviour: "behaviour", contactIds: "contactIds" } as const;
const DEFAULT_SAMPLE = 10;
const MAX_SAMPLE = 50;

export interface SegmentHandlerDeps {
  segments: SegmentRepository;
  campaigns: CampaignRepository;
  members: SegmentMembers;
}

/** Segments: proto in, checked (the filter by the contacts service, its owner), stored or previewed, proto out. */
export function segmentHandlers(rpc: ServiceRuntime["rpc"], { segments, campaigns, members }: SegmentHandlerDeps) {
  /** The contacts service is the judge of its fields (custom ones included): one read of one contact with the filter. */
  const checkFilter = async (identity: Identity, fields: SegmentFields) => {
    if (fields.kind !== "dynamic" || !fields.filterJson) return;
    try {
      await members.checkFilter(identity, fields.filterJson);
    } catch (error) {
      throw fromUpstream(error, "contacts", "segment");
    }
  };

  return {
    createSegment: rpc("CreateSegment", async (request: marketingCampaignV1.CreateSegmentRequest, { identity }) => {
      const fields = prepareSegment(toSegmentDraft(request.segment));
      await checkFilter(identity, fields);
      return { segment: toProtoSegment(await segments.create(actorOf(identity), fields, request.requestId)) };
    }),

    getSegment: rpc("GetSegment", async (request: marketingCampaignV1.GetSegmentRequest, { identity }) => {
      requireId(request.id, "id");
      return { segment: toProtoSegment(await segments.get(identity.tenantId, request.id)) };
    }),

    listSegments: rpc("ListSegments", async (request: marketingCampaignV1.ListSegmentsRequest, { identity }) => {
      const { items, pageInfo } = await segments.list(identity.tenantId, request);
      return { segments: items.map(toProtoSegment), pageInfo };
    }),

    updateSegment: rpc("UpdateSegment", async (request: marketingCampaignV1.UpdateSegmentRequest, { identity }) => {
      requireId(request.id, "id");
      const version = etagVersion(request.etag);
      const current = await segments.get(identity.tenantId, request.id);
      if (version !== undefined && version !== current.version) throw new PreconditionFailedError(`segment ${current.id} changed since it was read (etag mismatch); read it again`);
      const { draft } = applyFieldMask(request.updateMask ?? [], SEGMENT_MASK, segmentDraftOf(current), toSegmentDraft(request.segment), "a segment");
      const fields = prepareSegment({ ...draft, kind: current.kind });
      await checkFilter(identity, fields);
      return { segment: toProtoSegment(await segments.update(actorOf(identity), current, fields)) };
    }),

    deleteSegment: rpc("DeleteSegment", async (request: marketingCampaignV1.DeleteSegmentRequest, { identity }) => {
      requireId(request.id, "id");
      if (await campaigns.segmentInUse(identity.tenantId, request.id)) {
        throw new PreconditionFailedError(`segment ${request.id} is used by campaigns not yet sent: change or cancel them first`);
      }
      await segments.delete(identity.tenantId, request.id, etagVersion(request.etag));
      return {};
    }),

    previewSegment: rpc("PreviewSegment", async (request: marketingCampaignV1.PreviewSegmentRequest, { identity }) => {
      const sampleSize = request.sampleSize || DEFAULT_SAMPLE;
      if (sampleSize < 1 || sampleSize > MAX_SAMPLE) throw ValidationError.field("sampleSize", `must be between 1 and ${MAX_SAMPLE}`);
      const subject = request.subject;
      if (!subject) throw ValidationError.field("segment", "give a segmentId or a segment definition");
      let fields: SegmentFields;
      if (subject.$case === "segmentId") {
        requireId(subject.segmentId, "segmentId");
        fields = await segments.get(identity.tenantId, subject.segmentId);
      } else {
        fields = prepareSegment(toSegmentDraft(subject.segment));
      }
      let size = 0;
      let scanned = 0;
      const sample: marketingCampaignV1.SegmentMember[] = [];
      try {
        for await (const batch of members.batches(identity, fields)) {
          size += batch.members.length;
          scanned += batch.scanned;
          for (const member of batch.members) {
            if (sample.length >= sampleSize) break;
            sample.push({ contactId: member.id, displayName: member.values.displayName ?? "", email: member.values.email ?? "" });
          }
        }
      } catch (error) {
        throw fromUpstream(error, "contacts", "segment");
      }
      return { size: String(size), sample, contactsScanned: String(scanned) };
    }),
  };
}

/** A stored segment as a draft, for an update that keeps what its mask does not name. */
function segmentDraftOf(segment: SegmentFields): SegmentDraft {
  return {
    ...segment,
    behaviour: segment.behaviour.map((condition) => ({
      kind: condition.kind,
      sku: condition.kind === "purchased_product" ? condition.sku : "",
      amount: condition.kind === "lifetime_value_over" ? { currencyCode: condition.amount.currency, amountMinor: String(condition.amount.amountMinor) } : undefined,
      stageId: condition.kind === "open_deal_in_stage" ? condition.stageId : "",
      count: condition.kind === "tickets_over" ? condition.count : 0,
      withinDays: condition.kind === "tickets_over" ? condition.withinDays : 0,
      campaignId: condition.kind === "responded_to_campaign" ? condition.campaignId : "",
      negate: condition.negate,
    })),
  };
}
