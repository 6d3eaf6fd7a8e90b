import { salesPipelineV1 } from "@crm/proto";
import { actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareLead } from "../domain/lead";
import type { LeadRepository } from "../store/lead-repository";
import { toLeadDraft, toProtoLead } from "./mapping";

/** Leads: proto in, checked and standardised, stored or read, proto out. */
export function leadHandlers(rpc: ServiceRuntime["rpc"], { leads }: { leads: LeadRepository }): salesPipelineV1.SalesPipelineServiceServer {
  return {
    createLead: rpc("CreateLead", async (request: salesPipelineV1.CreateLeadRequest, { identity }) => {
      const fields = prepareLead(toLeadDraft(request.lead));
      const created = await leads.create(actorOf(identity), fields, request.requestId);
      return { lead: toProtoLead(created) };
    }),

    getLead: rpc("GetLead", async (request: salesPipelineV1.GetLeadRequest, { identity }) => {
      requireId(request.id, "id");
      return { lead: toProtoLead(await leads.get(identity.tenantId, request.id)) };
    }),

    listLeads: rpc("ListLeads", async (request: salesPipelineV1.ListLeadsRequest, { identity }) => {
      const { items, pageInfo } = await leads.list(identity.tenantId, request);
      return { leads: items.map(toProtoLead), pageInfo };
    }),
  };
}
