import { eventsV1 } from "@crm/proto";
import { appendToOutbox, outboxEventWithMeta, type OutboxEvent } from "../mongo/outbox";
import type { ModelOutbox } from "../mongo/outbox-relay";
import type { ErasureReceiptModel } from "./erasure-receipt.model";

/** What the consent service asks every service to erase (crm.events.v1.SubjectErasureRequested). */
export interface ErasureRequest {
  tenantId: string;
  requestId: string;
  contactId: string;
  emails: string[];
  phones: string[];
}

export interface ErasureCounts {
  erased: number;
  anonymised: number;
}

/**
 * A service's own part of an erasure: erase or anonymise what it holds about the subject and
 * say how many records, and which. Called once per request: repeats are answered from the receipt.
 */
export type Eraser = (request: ErasureRequest) => Promise<ErasureCounts & { recordIds?: string[] }>;

/** The eraser of a service that holds no personal data (yet): nothing to do, zero counts. */
export const holdsNoPersonalData: Eraser = async () => ({ erased: 0, anonymised: 0 });

/**
 * One service's side of the erasure saga (DESIGN.md, Erasure): erases once per request id,
 * keeps a receipt, and confirms with `crm.<service>.subject.erasure_completed` and the counts,
 * written into the receipt's outbox so that the confirmation is never lost. A repeated request
 * re-confirms from the receipt without erasing again.
 */
export class ErasureSaga {
  constructor(
    private readonly service: string,
    private readonly receipts: ErasureReceiptModel,
    private readonly erase: Eraser,
    private readonly outbox: ModelOutbox,
    /** This service's deployment (ServiceConfig.DEPLOYMENT), named in each confirmation. */
    private readonly deployment = "",
  ) {}

  async handle(request: ErasureRequest): Promise<ErasureCounts> {
    const { tenantId, requestId } = request;
    const receiptId = `${tenantId}|${requestId}`;
    const now = new Date();
    const receipt = await this.receipts.findOne({ _id: receiptId, tenantId }).lean();
    if (receipt?.status === "done") {
      const counts = { erased: receipt.erased, anonymised: receipt.anonymised };
      await this.receipts.updateOne({ _id: receiptId, tenantId }, appendToOutbox([this.completed(request, counts, now)], now));
      this.outbox.changed(receiptId);
      return counts;
    }
    if (!receipt) await this.receipts.create({ _id: receiptId, tenantId, requestId, status: "erasing", receivedAt: now });

    const { recordIds = [], ...counts } = await this.erase(request);
    const outbox = appendToOutbox([this.completed(request, counts, now)], now);
    await this.receipts.updateOne(
      { _id: receiptId, tenantId },
      { $set: { status: "done", recordIds, ...counts, completedAt: new Date(), ...outbox.$set }, $push: outbox.$push },
    );
    this.outbox.changed(receiptId);
    return counts;
  }

  private completed(request: ErasureRequest, counts: ErasureCounts, at: Date): OutboxEvent {
    const kind = { subject: `crm.${this.service}.subject.erasure_completed`, type: "crm.events.v1.SubjectErasureCompleted" };
    return outboxEventWithMeta(
      kind,
      request.tenantId,
      `service:${this.service}`,
      at,
      (meta) => ({
        meta,
        requestId: request.requestId,
        service: this.service,
        erased: String(counts.erased),
        anonymised: String(counts.anonymised),
        deployment: this.deployment,
      }),
      eventsV1.SubjectErasureCompleted,
    );
  }
}
