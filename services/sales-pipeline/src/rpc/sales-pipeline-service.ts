import { salesPipelineV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { LeadRepository } from "../store/lead-repository";
import { leadHandlers } from "./lead-handlers";

/** crm.sales_pipeline.v1.SalesPipelineService: add the handlers of each new resource here. */
export function salesPipelineService(rpc: ServiceRuntime["rpc"], deps: { leads: LeadRepository }): ServiceRegistration {
  return {
    name: "crm.sales_pipeline.v1.SalesPipelineService",
    definition: salesPipelineV1.SalesPipelineServiceService,
    implementation: { ...leadHandlers(rpc, deps) },
  };
}
