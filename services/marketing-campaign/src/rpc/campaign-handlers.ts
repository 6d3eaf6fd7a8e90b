import { marketingCampaignV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, type Identity, NotFoundError, PreconditionFailedError, requireId, type ServiceRuntime, ValidationError } from "@crm/kit";
import { prepareCampaign, resumedStatus, transition, type Campaign, type CampaignFields } from "../domain/campaign";
import { zonedInstant } from "../domain/schedule";
import type { ConsentClient } from "../clients/consent-client";
import { fromUpstream } from "../clients/upstream-errors";
import { campaignScheduled } from "../events/campaign-events";
import type { CampaignRepository } from "../store/campaign-repository";
import type { SegmentRepository } from "../store/segment-repository";
import { toCampaignDraft, toProtoCampaign } from "./campaign-mapping";

const CAMPAIGN_MASK = { name: "name", purposeId: "purposeId", channel: "channel", segmentId: "segmentId", variants: "variants", fallbacks: "fallbacks", fromAddress: "fromAddress" } as const;
/** A schedule may name a time this close in the past (a client's clock, a slow request): it is sent at once. */
const SCHEDULE_GRACE_MS = 60_000;

export interface CampaignHandlerDeps {
  campaigns: CampaignRepository;
  segments: SegmentRepository;
  consent: ConsentClient;
  /** Wakes the send job (a campaign became due now). */
  kickRunner: () => void;
}

/** Campaigns: drafts checked (their segment here, their purpose at the consent service), then scheduled, sent, paused, resumed or cancelled. */
export function campaignHandlers(rpc: ServiceRuntime["rpc"], { campaigns, segments, consent, kickRunner }: CampaignHandlerDeps) {
  const checkReferences = async (identity: Identity, fields: CampaignFields) => {
    if (!(await segments.exists(identity.tenantId, fields.segmentId))) throw ValidationError.field("campaign.segmentId", "names no segment of this tenant");
    try {
      await consent.requirePurpose(identity, fields.purposeId);
    } catch (error) {
      const translated = fromUpstream(error, "consent");
      if (translated instanceof NotFoundError) throw ValidationError.field("campaign.purposeId", "names no consent purpose of this tenant");
      throw translated;
    }
  };
  const requireSegment = async (campaign: Campaign) => {
    if (!(await segments.exists(campaign.tenantId, campaign.segmentId))) throw new PreconditionFailedError(`campaign ${campaign.id}: its segment ${campaign.segmentId} no longer exists`);
  };
  const load = async (identity: Identity, id: string, etag = "") => {
    requireId(id, "id");
    const version = etagVersion(etag);
    const campaign = await campaigns.get(identity.tenantId, id);
    if (version !== undefined && version !== campaign.version) throw new PreconditionFailedError(`campaign ${id} changed since it was read (etag mismatch); read it again`);
    return { campaign, version };
  };

  return {
    createCampaign: rpc("CreateCampaign", async (request: marketingCampaignV1.CreateCampaignRequest, { identity }) => {
      const fields = prepareCampaign(toCampaignDraft(request.campaign));
      await checkReferences(identity, fields);
      return { campaign: toProtoCampaign(await campaigns.create(actorOf(identity), fields, request.requestId)) };
    }),

    getCampaign: rpc("GetCampaign", async (request: marketingCampaignV1.GetCampaignRequest, { identity }) => {
      return { campaign: toProtoCampaign((await load(identity, request.id)).campaign) };
    }),

    listCampaigns: rpc("ListCampaigns", async (request: marketingCampaignV1.ListCampaignsRequest, { identity }) => {
      const { items, pageInfo } = await campaigns.list(identity.tenantId, request);
      return { campaigns: items.map(toProtoCampaign), pageInfo };
    }),

    updateCampaign: rpc("UpdateCampaign", async (request: marketingCampaignV1.UpdateCampaignRequest, { identity }) => {
      const { campaign } = await load(identity, request.id, request.etag);
      transition(campaign, "edit");
      const { draft } = applyFieldMask(request.updateMask ?? [], CAMPAIGN_MASK, campaign as never, toCampaignDraft(request.campaign), "a campaign");
      const fields = prepareCampaign(draft);
      await checkReferences(identity, fields);
      return { campaign: toProtoCampaign(await campaigns.update(actorOf(identity), campaign, fields)) };
    }),

    scheduleCampaign: rpc("ScheduleCampaign", async (request: marketingCampaignV1.ScheduleCampaignRequest, { identity }) => {
      const at = zonedInstant(request.localTime, request.timeZone);
      if (at.getTime() < Date.now() - SCHEDULE_GRACE_MS) throw ValidationError.field("localTime", "is in the past");
      const { campaign, version } = await load(identity, request.id, request.etag);
      const to = transition(campaign, "schedule");
      await requireSegment(campaign);
      const next = await campaigns.changeStatus(actorOf(identity), campaign, {
        from: ["draft", "scheduled"], to, runAt: at, version, set: { scheduledAt: at, timeZone: request.timeZone },
        events: (scheduled) => [campaignScheduled(scheduled, identity.subject, new Date())],
      });
      if (at.getTime() <= Date.now()) kickRunner();
      return { campaign: toProtoCampaign(next) };
    }),

    sendCampaign: rpc("SendCampaign", async (request: marketingCampaignV1.SendCampaignRequest, { identity }) => {
      const { campaign, version } = await load(identity, request.id, request.etag);
      const to = transition(campaign, "send");
      await requireSegment(campaign);
      const now = new Date();
      const next = await campaigns.changeStatus(actorOf(identity), campaign, {
        from: ["draft", "scheduled"], to, runAt: now, version, set: { scheduledAt: now, timeZone: campaign.timeZone || "UTC" },
        events: (started) => [campaignScheduled(started, identity.subject, now)],
      });
      kickRunner();
      return { campaign: toProtoCampaign(next) };
    }),

    pauseCampaign: rpc("PauseCampaign", async (request: marketingCampaignV1.PauseCampaignRequest, { identity }) => {
      const { campaign } = await load(identity, request.id);
      const to = transition(campaign, "pause");
      return { campaign: toProtoCampaign(await campaigns.changeStatus(actorOf(identity), campaign, { from: ["sending", "scheduled"], to })) };
    }),

    resumeCampaign: rpc("ResumeCampaign", async (request: marketingCampaignV1.ResumeCampaignRequest, { identity }) => {
      const { campaign } = await load(identity, request.id);
      transition(campaign, "resume");
      const to = resumedStatus(campaign);
      const runAt = to === "scheduled" && campaign.scheduledAt && campaign.scheduledAt > new Date() ? campaign.scheduledAt : new Date();
      const next = await campaigns.changeStatus(actorOf(identity), campaign, { from: ["paused"], to, runAt });
      kickRunner();
      return { campaign: toProtoCampaign(next) };
    }),

    cancelCampaign: rpc("CancelCampaign", async (request: marketingCampaignV1.CancelCampaignRequest, { identity }) => {
      const { campaign } = await load(identity, request.id);
      const to = transition(campaign, "cancel");
      return { campaign: toProtoCampaign(await campaigns.changeStatus(actorOf(identity), campaign, { from: ["draft", "scheduled", "sending", "paused"], to })) };
    }),
  };
}
