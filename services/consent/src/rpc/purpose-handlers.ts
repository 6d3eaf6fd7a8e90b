import { consentV1 } from "@crm/proto";
import { actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { applyPurposeUpdate, preparePurpose, withNewNotice } from "../domain/purpose";
import type { PurposeRepository } from "../store/purpose-repository";
import { toPurposeDraft, toProtoPurpose, versionOfEtag } from "./purpose-mapping";

/** Purposes and their notices: proto in, checked and standardised, stored or read, proto out. */
export function purposeHandlers(rpc: ServiceRuntime["rpc"], { purposes }: { purposes: PurposeRepository }) {
  return {
    createPurpose: rpc("CreatePurpose", async (request: consentV1.CreatePurposeRequest, { identity }) => {
      const fields = preparePurpose(toPurposeDraft(request.purpose));
      const created = await purposes.create(actorOf(identity), fields, request.requestId);
      return { purpose: toProtoPurpose(created) };
    }),

    getPurpose: rpc("GetPurpose", async (request: consentV1.GetPurposeRequest, { identity }) => {
      requireId(request.id, "id");
      return { purpose: toProtoPurpose(await purposes.get(identity.tenantId, request.id)) };
    }),

    listPurposes: rpc("ListPurposes", async (request: consentV1.ListPurposesRequest, { identity }) => {
      const { items, pageInfo } = await purposes.list(identity.tenantId, request);
      return { purposes: items.map(toProtoPurpose), pageInfo };
    }),

    updatePurpose: rpc("UpdatePurpose", async (request: consentV1.UpdatePurposeRequest, { identity }) => {
      requireId(request.id, "id");
      const draft = toPurposeDraft(request.purpose);
      const updated = await purposes.change(actorOf(identity), request.id, versionOfEtag(request.etag), (current) => applyPurposeUpdate(current, draft, request.updateMask ?? []));
      return { purpose: toProtoPurpose(updated) };
    }),

    publishNotice: rpc("PublishNotice", async (request: consentV1.PublishNoticeRequest, { identity }) => {
      requireId(request.purposeId, "purposeId");
      const updated = await purposes.change(actorOf(identity), request.purposeId, versionOfEtag(request.etag), (current) => ({
        purpose: withNewNotice(current, request.text, request.requiresRenewal, identity.subject, new Date()),
        changed: ["notice"],
      }));
      return { purpose: toProtoPurpose(updated) };
    }),
  };
}
