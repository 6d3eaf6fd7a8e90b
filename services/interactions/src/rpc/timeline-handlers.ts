import { interactionsV1 } from "@crm/proto";
import { requireId, ValidationError, type ServiceRuntime } from "@crm/kit";
import { TIMELINE_RECORD_TYPES } from "../domain/links";
import type { EngagementReads } from "../store/engagement-reads";
import type { TimelineRepository } from "../store/timeline-repository";

const MAX_ENGAGEMENT_CONTACTS = 100;

type Handlers = Pick<interactionsV1.InteractionsServiceServer, "listTimeline" | "getEngagement">;

/** Timelines and engagement: read models built from this service's records and every producer's events. */
export function timelineHandlers(rpc: ServiceRuntime["rpc"], { timeline, engagement }: { timeline: TimelineRepository; engagement: EngagementReads }): Handlers {
  return {
    listTimeline: rpc("ListTimeline", async (request: interactionsV1.ListTimelineRequest, { identity }) => {
      const record = request.record;
      if (!record || !(TIMELINE_RECORD_TYPES as readonly string[]).includes(record.type)) {
        throw ValidationError.field("record.type", `must be one of: ${TIMELINE_RECORD_TYPES.join(", ")}`);
      }
      requireId(record.id, "record.id");
      const { items, pageInfo } = await timeline.list(identity.tenantId, record, request);
      return {
        entries: items.map((entry) => ({
          id: entry.id,
          kind: entry.kind,
          occurTime: entry.occurredAt,
          summary: entry.summary,
          source: entry.source,
          about: entry.about,
          links: entry.links.map(({ type, id }) => ({ type, id })),
        })),
        pageInfo,
      };
    }),

    getEngagement: rpc("GetEngagement", async (request: interactionsV1.GetEngagementRequest, { identity }) => {
      const contactIds = [...new Set(request.contactIds)];
      if (contactIds.length === 0 || contactIds.length > MAX_ENGAGEMENT_CONTACTS) {
        throw ValidationError.field("contactIds", `takes from 1 to ${MAX_ENGAGEMENT_CONTACTS} contacts`);
      }
      contactIds.forEach((id, i) => requireId(id, `contactIds[${i}]`));
      const engagements = await engagement.of(identity.tenantId, contactIds);
      return {
        engagements: engagements.map(({ contactId, lastInteraction, windows }) => ({
          contactId,
          windows,
          lastInteraction: lastInteraction && {
            interactionId: lastInteraction.interactionId,
            kind: lastInteraction.kind,
            occurTime: lastInteraction.occurredAt,
            summary: lastInteraction.summary,
          },
        })),
      };
    }),
  };
}
