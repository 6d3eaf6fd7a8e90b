import { consentV1 } from "@crm/proto";
import { actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { preparePurpose } from "../domain/purpose";
import type { PurposeRepository } from "../store/purpose-repository";
import { toPurposeDraft, toProtoPurpose } from "./mapping";

/** Purposes: proto in, checked and standardised, stored or read, proto out. */
export function purposeHandlers(rpc: ServiceRuntime["rpc"], { purposes }: { purposes: PurposeRepository }): consentV1.ConsentServiceServer {
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
  };
}
