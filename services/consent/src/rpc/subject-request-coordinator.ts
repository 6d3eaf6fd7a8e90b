import type { Actor, Logger } from "@crm/kit";
import { assembleExport } from "../domain/access-export";
import { subjectPseudonym } from "../domain/ledger-chain";
import { buildReceipt, sha256Hex, type ReceiptSigner } from "../domain/receipt";
import { nextAskDelay, pendingServices, prepareSubjectRequest, type SubjectRequestDraft } from "../domain/subject-request";
import { accessRequested, erasureRequested, subjectRequestCompleted } from "../events/subject-request-events";
import type { SubjectRequestDocument } from "../store/subject-request.model";
import type { NewRequestDocument, SubjectRequestRepository } from "../store/subject-request-repository";
import type { Participants } from "./participants";

/** Attempts at completing a request that another writer changed in between. */
const COMPLETE_ATTEMPTS = 3;

export interface CoordinatorSettings {
  /** This deployment (the kit's DEPLOYMENT): erasure requests name it, confirmations must too. */
  deployment: string;
  /** First wait before asking again a service that has not answered. */
  reaskMs: number;
}

/**
 * The consent service's side of data-subject requests (DESIGN.md, Erasure). An erasure is asked
 * of every service by an event, each confirms by its own event, and those that have not are
 * asked again; an access request asks each service for its part over gRPC, and again those that
 * could not answer. Once every registered service has answered, a signed receipt is issued.
 */
export class SubjectRequestCoordinator {
  constructor(
    private readonly deps: { requests: SubjectRequestRepository; participants: Participants; signer: ReceiptSigner; log: Logger },
    private readonly settings: CoordinatorSettings,
  ) {}

  /** Starts a request; the worker asks access questions at once, erasures wait for confirmations first. */
  async start(actor: Actor, draft: SubjectRequestDraft, requestId: string): Promise<NewRequestDocument> {
    const { kind, subject } = prepareSubjectRequest(draft);
    const now = new Date();
    const request = {
      kind,
      subject,
      subjectPseudonym: subjectPseudonym(actor.tenantId, subject.contactId),
      services: this.deps.participants.services,
      nextAskAt: kind === "erasure" ? new Date(now.getTime() + this.settings.reaskMs) : now,
    };
    return this.deps.requests.create(actor, request, requestId, ({ _id: id, tenantId }) =>
      kind === "erasure" ? erasureRequested({ id, tenantId, subject }, actor.subject, this.settings.deployment, now) : accessRequested({ id, tenantId, subject }, actor.subject, now),
    );
  }

  /** A service confirmed its part of an erasure; the last confirmation completes the request. */
  async erasureConfirmed(tenantId: string, requestId: string, service: string, counts: { erased: number; anonymised: number }): Promise<void> {
    if (!(await this.deps.requests.confirmErasure(tenantId, requestId, service, counts, new Date()))) return;
    this.deps.log.info({ requestId, service }, "erasure confirmed");
    await this.complete(await this.deps.requests.get(tenantId, requestId));
  }

  /** The worker's turn at a due request: complete it, or ask again the services that have not answered. */
  async advance(request: SubjectRequestDocument): Promise<void> {
    const pending = pendingServices(request.progress);
    if (pending.length === 0) return this.complete(request);
    if (request.kind === "access") return this.collect(request, pending);
    const now = new Date();
    const asks = Math.max(...pending.map((service) => request.progress[service]!.asks)) + 1;
    const event = erasureRequested({ id: request._id, tenantId: request.tenantId, subject: request.subject }, "service:consent", this.settings.deployment, now);
    await this.deps.requests.asked(request, pending.map((service) => ({ service })), event, this.nextAsk(now, asks), now);
    this.deps.log.info({ requestId: request._id, pending }, "erasure asked again of the services that have not confirmed");
  }

  /** Asks each pending service for its part of an export; those that fail are asked again later. */
  private async collect(request: SubjectRequestDocument, pending: string[]): Promise<void> {
    const { requests, participants, log } = this.deps;
    const failures: Array<{ service: string; error: string }> = [];
    await Promise.all(
      pending.map(async (service) => {
        try {
          const answer = await participants.export(service, { tenantId: request.tenantId, requestId: request._id, ...request.subject });
          await requests.storeAnswer(request, service, answer, new Date());
        } catch (error) {
          failures.push({ service, error: (error as Error).message ?? String(error) });
        }
      }),
    );
    if (failures.length === 0) return this.complete(await requests.get(request.tenantId, request._id));
    const now = new Date();
    const asks = Math.max(...failures.map(({ service }) => request.progress[service]!.asks)) + 1;
    await requests.asked(request, failures, undefined, this.nextAsk(now, asks), now);
    log.warn({ requestId: request._id, failed: failures.map(({ service }) => service) }, "access request: some services did not answer; asking again later");
  }

  /** Completes a request every service has answered: its receipt, signed, and the completion event. */
  private async complete(initial: SubjectRequestDocument): Promise<void> {
    let request = initial;
    for (let attempt = 0; attempt < COMPLETE_ATTEMPTS; attempt++) {
      if (request.status === "completed" || pendingServices(request.progress).length > 0) return;
      const now = new Date();
      const exported = request.kind === "access" ? await this.exportOf(request, now) : undefined;
      const { _id: id, tenantId, kind, subjectPseudonym, requestedAt, progress } = request;
      const receipt = this.deps.signer.sign(buildReceipt({ id, tenantId, kind, subjectPseudonym, requestedAt, progress }, now, exported && sha256Hex(exported)));
      const event = subjectRequestCompleted({ id, tenantId, kind, subjectPseudonym }, Object.keys(progress).sort(), now);
      if (await this.deps.requests.complete(request, receipt, event, now)) {
        this.deps.log.info({ requestId: request._id, kind: request.kind }, "subject request completed; receipt issued");
        return;
      }
      request = await this.deps.requests.get(request.tenantId, request._id);
    }
  }

  /** The export of an access request, as assembled from its stored parts (the receipt hashes it; GetSubjectAccessExport rebuilds it). */
  async exportOf(request: Pick<SubjectRequestDocument, "_id" | "tenantId" | "subject" | "requestedAt">, completedAt: Date): Promise<string> {
    const parts = await this.deps.requests.exportParts(request.tenantId, request._id);
    return assembleExport({ requestId: request._id, subjectId: request.subject.contactId, requestedAt: request.requestedAt, completedAt }, parts);
  }

  private nextAsk(now: Date, asks: number): Date {
    return new Date(now.getTime() + nextAskDelay(asks, this.settings.reaskMs));
  }
}
