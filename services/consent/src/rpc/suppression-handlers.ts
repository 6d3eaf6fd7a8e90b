import { consentV1 } from "@crm/proto";
import { actorOf, requireId, ValidationError, type ServiceRuntime } from "@crm/kit";
import { prepareSuppression } from "../domain/suppression";
import type { SuppressionDocument } from "../store/suppression.model";
import type { SuppressionCache } from "../store/suppression-cache";
import type { SuppressionRepository } from "../store/suppression-repository";
import { suppressionTypes } from "./enums";

/** The suppression list: every change reaches MongoDB first, then makes checks reload the list. */
export function suppressionHandlers(rpc: ServiceRuntime["rpc"], deps: { suppressions: SuppressionRepository; suppressionCache: SuppressionCache }) {
  return {
    addSuppression: rpc("AddSuppression", async (request: consentV1.AddSuppressionRequest, { identity }) => {
      if (!request.suppression) throw ValidationError.field("suppression", "is required");
      const { type, address, reason } = request.suppression;
      const fields = prepareSuppression({ type: suppressionTypes.toDomain(type), address, reason });
      const { suppression, added } = await deps.suppressions.add(actorOf(identity), fields);
      if (added) await deps.suppressionCache.changed(identity.tenantId);
      return { suppression: toProtoSuppression(suppression) };
    }),

    getSuppression: rpc("GetSuppression", async (request: consentV1.GetSuppressionRequest, { identity }) => {
      requireId(request.id, "id");
      return { suppression: toProtoSuppression(await deps.suppressions.get(identity.tenantId, request.id)) };
    }),

    listSuppressions: rpc("ListSuppressions", async (request: consentV1.ListSuppressionsRequest, { identity }) => {
      const { items, pageInfo } = await deps.suppressions.list(identity.tenantId, request);
      return { suppressions: items.map(toProtoSuppression), pageInfo };
    }),

    removeSuppression: rpc("RemoveSuppression", async (request: consentV1.RemoveSuppressionRequest, { identity }) => {
      requireId(request.id, "id");
      await deps.suppressions.remove(identity.tenantId, request.id);
      await deps.suppressionCache.changed(identity.tenantId);
      return {};
    }),
  };
}

function toProtoSuppression(suppression: SuppressionDocument): consentV1.Suppression {
  return {
    id: suppression._id,
    type: suppressionTypes.toProto(suppression.type),
    address: suppression.address,
    reason: suppression.reason,
    createdBy: suppression.createdBy,
    createTime: suppression.createdAt,
  };
}
