import { consentTimeline } from "./consent";
import { contactsTimeline } from "./contacts";
import { interactionsTimeline } from "./interactions";
import { marketingCampaignTimeline } from "./marketing-campaign";
import { salesPipelineTimeline } from "./sales-pipeline";
import type { TimelineSource } from "./source";
import { supportTicketsTimeline } from "./support-tickets";

/**
 * Every producer whose events timelines show, one module each. To add one: write
 * `timeline-sources/<service>.ts` with its events (subject, message type from its proto, kind,
 * summary, links, occurrence time), list it here, and test it (test/timeline-sources.test.ts).
 * app.ts starts one durable consumer per source.
 */
export const TIMELINE_SOURCES: TimelineSource[] = [
  contactsTimeline,
  interactionsTimeline,
  consentTimeline,
  salesPipelineTimeline,
  supportTicketsTimeline,
  marketingCampaignTimeline,
];
