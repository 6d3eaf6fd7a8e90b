import { consentV1 } from "@crm/proto";
import { actorOf, ConflictError, requireId, ValidationError, type ServiceRuntime } from "@crm/kit";
import type { ReceiptSigner } from "../domain/receipt";
import type { SubjectRequestRepository } from "../store/subject-request-repository";
import type { SubjectRequestCoordinator } from "./subject-request-coordinator";
import { toProtoSubjectRequest, toSubjectRequestDraft } from "./subject-request-mapping";

export interface SubjectRequestHandlerDependencies {
  requests: SubjectRequestRepository;
  coordinator: SubjectRequestCoordinator;
  signer: ReceiptSigner;
  /** Looks for work now: an access request is asked at once. */
  kickWorker: () => void;
}

/** Data-subject access and erasure requests, their progress, receipts and exports. */
export function subjectRequestHandlers(rpc: ServiceRuntime["rpc"], deps: SubjectRequestHandlerDependencies) {
  return {
    createSubjectRequest: rpc("CreateSubjectRequest", async (request: consentV1.CreateSubjectRequestRequest, { identity }) => {
      const created = await deps.coordinator.start(actorOf(identity), toSubjectRequestDraft(request.request), request.requestId);
      deps.kickWorker();
      return { request: toProtoSubjectRequest(created) };
    }),

    getSubjectRequest: rpc("GetSubjectRequest", async (request: consentV1.GetSubjectRequestRequest, { identity }) => {
      requireId(request.id, "id");
      return { request: toProtoSubjectRequest(await deps.requests.get(identity.tenantId, request.id)) };
    }),

    listSubjectRequests: rpc("ListSubjectRequests", async (request: consentV1.ListSubjectRequestsRequest, { identity }) => {
      const { items, pageInfo } = await deps.requests.list(identity.tenantId, request);
      return { requests: items.map(toProtoSubjectRequest), pageInfo };
    }),

    getSubjectRequestReceipt: rpc("GetSubjectRequestReceipt", async (request: consentV1.GetSubjectRequestReceiptRequest, { identity }) => {
      requireId(request.id, "id");
      const stored = await deps.requests.get(identity.tenantId, request.id);
      if (stored.status !== "completed" || !stored.receipt) throw new ConflictError(`subject request ${request.id} is in progress: its receipt is issued once every service has answered`);
      return { receipt: stored.receipt };
    }),

    getSubjectAccessExport: rpc("GetSubjectAccessExport", async (request: consentV1.GetSubjectAccessExportRequest, { identity }) => {
      requireId(request.id, "id");
      const stored = await deps.requests.get(identity.tenantId, request.id);
      if (stored.kind !== "access") throw new ConflictError(`subject request ${request.id} is an erasure: it has no export`);
      if (stored.status !== "completed" || !stored.completedAt) throw new ConflictError(`subject request ${request.id} is in progress: its export is ready once every service has answered`);
      return { exportJson: await deps.coordinator.exportOf(stored, stored.completedAt) };
    }),

    verifyReceipt: rpc("VerifyReceipt", async (request: consentV1.VerifyReceiptRequest, { identity }) => {
      if (!request.receipt) throw ValidationError.field("receipt", "is required");
      const receipt = deps.signer.verify(request.receipt);
      if (receipt.tenantId !== identity.tenantId) throw ValidationError.field("receipt", "was issued to another tenant");
      return { requestId: receipt.requestId, verifyTime: new Date() };
    }),
  };
}
