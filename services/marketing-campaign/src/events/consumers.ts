import { eventsV1 } from "@crm/proto";
import { joinErasureSaga, type EventConsumer, type ServiceRuntime } from "@crm/kit";
import { influencesOf } from "../domain/influence";
import type { BehaviourRepository } from "../store/behaviour-repository";
import type { CampaignRepository } from "../store/campaign-repository";
import type { InfluenceRepository } from "../store/influence-repository";
import type { MessageRepository } from "../store/message-repository";
import type { RecipientRepository } from "../store/recipient-repository";
import type { ResponseRepository } from "../store/response-repository";
import type { SegmentRepository } from "../store/segment-repository";
import type { SubjectErasure } from "../store/subject-erasure";
import { CONSUMED } from "./subjects";

export interface ConsumerDeps {
  erasure: SubjectErasure;
  behaviour: BehaviourRepository;
  influences: InfluenceRepository;
  messages: MessageRepository;
  recipients: RecipientRepository;
  responses: ResponseRepository;
  campaigns: CampaignRepository;
  segments: SegmentRepository;
}

const money = (amount: eventsV1.Money | undefined) =>
  amount?.currencyCode ? { currency: amount.currencyCode.toUpperCase(), amountMinor: Number(amount.amountMinor) } : undefined;
const CONSENT_CHANNELS: Record<string, string[]> = { email: ["email"], sms: ["sms"], any: ["email", "sms"] };

/**
 * What this service listens to, each a durable consumer whose handler is safe to run twice:
 * the erasure saga; orders, deals and tickets for segments' behaviour (applied in order of
 * occurrence, so a late or repeated event changes nothing); deals won for influence; consents
 * withdrawn, which stop the subject's pending sends; and merges, after which the merged
 * contact's history, sends and behaviour are its survivor's.
 */
export async function startConsumers(runtime: ServiceRuntime, deps: ConsumerDeps): Promise<EventConsumer[]> {
  const { behaviour, influences, messages, recipients, responses, campaigns, segments } = deps;
  const erasure = await joinErasureSaga(runtime, (request) => deps.erasure.erase(request));
  const at = (meta: { occurTime?: Date | undefined } | undefined) => meta?.occurTime ?? new Date();

  const orders = await runtime.consumeEvents(CONSUMED.orders, "orders", async (event) => {
    const placed = event.subject.endsWith(".order.placed");
    const order = placed ? eventsV1.OrderPlaced.decode(event.payload) : eventsV1.OrderStatusChanged.decode(event.payload);
    const status = placed ? "placed" : eventsV1.OrderStatusChanged.decode(event.payload).toStatus;
    const total = money(order.total);
    await behaviour.applyOrder(event.tenantId, {
      orderId: order.orderId, contactId: order.contactId, currency: total?.currency ?? "", amountMinor: total?.amountMinor ?? 0, skus: order.skus, status, at: at(order.meta),
    });
  });

  const deals = await runtime.consumeEvents(CONSUMED.deals, "deals", async (event) => {
    if (event.subject.endsWith(".deal.stage_changed")) {
      const changed = eventsV1.DealStageChanged.decode(event.payload);
      await behaviour.applyDeal(event.tenantId, { dealId: changed.dealId, stageId: changed.toStageId, open: true, contactIds: changed.contactIds, at: at(changed.meta) });
      return;
    }
    const closed = event.subject.endsWith(".deal.won") ? eventsV1.DealWon.decode(event.payload) : eventsV1.DealLost.decode(event.payload);
    await behaviour.applyDeal(event.tenantId, { dealId: closed.dealId, stageId: closed.stageId, open: false, contactIds: closed.contactIds, at: at(closed.meta) });
  });

  const influence = await runtime.consumeEvents(CONSUMED.dealWon, "influence", async (event) => {
    const won = eventsV1.DealWon.decode(event.payload);
    const wonAt = at(won.meta);
    const engaged = await messages.engagedBefore(event.tenantId, won.contactIds, wonAt);
    const found = influencesOf(
      { dealId: won.dealId, wonAt, amount: money(won.amount), contactIds: won.contactIds },
      engaged.map((message) => ({ campaignId: message.campaignId, variant: message.variant, contactId: message.contactId, respondedAt: message.respondedAt! })),
    );
    await influences.record(event.tenantId, found);
  });

  const tickets = await runtime.consumeEvents(CONSUMED.tickets, "tickets", async (event) => {
    const opened = eventsV1.TicketOpened.decode(event.payload);
    if (opened.requesterId) await behaviour.applyTicketOpened(event.tenantId, opened.ticketId, opened.requesterId, at(opened.meta));
  });

  const consent = await runtime.consumeEvents(CONSUMED.consentChanged, "consent-changed", async (event) => {
    const changed = eventsV1.ConsentChanged.decode(event.payload);
    if (changed.status !== "withdrawn") return;
    const channels = CONSENT_CHANNELS[changed.channel];
    if (!channels) return;
    const active = await campaigns.activeFor(event.tenantId, changed.purposeId, channels);
    const stopped = await recipients.excludePending(event.tenantId, changed.subjectId, active, "consent_withdrawn");
    if (stopped > 0) runtime.log.info({ stopped }, "consent withdrawn: pending sends dropped");
  });

  const merges = await runtime.consumeEvents(CONSUMED.contactMerged, "contact-merged", async (event) => {
    const merged = eventsV1.ContactMerged.decode(event.payload);
    const { survivorId, mergedId } = merged;
    if (!survivorId || !mergedId) return;
    await messages.repoint(event.tenantId, mergedId, survivorId);
    await responses.repoint(event.tenantId, mergedId, survivorId);
    await behaviour.repoint(event.tenantId, mergedId, survivorId);
    await influences.repoint(event.tenantId, mergedId, survivorId);
    await segments.replaceMember(event.tenantId, mergedId, survivorId);
    // Pending sends stay addressed as snapshotted, unless the survivor is to get the same campaign's message.
    await recipients.repoint(event.tenantId, mergedId, survivorId);
  });

  return [erasure.consumer, orders, deals, influence, tickets, consent, merges];
}
