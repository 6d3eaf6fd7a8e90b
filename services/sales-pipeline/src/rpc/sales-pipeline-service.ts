import { salesPipelineV1 } from "@crm/proto";
import type { ServiceRegistration, ServiceRuntime } from "@crm/kit";
import type { DealRepository } from "../store/deal-repository";
import type { ForecastCells } from "../store/forecast-cells";
import type { PipelineRepository } from "../store/pipeline-repository";
import { dealHandlers } from "./deal-handlers";
import { leadHandlers, type LeadHandlerDependencies } from "./lead-handlers";
import { orderHandlers, type OrderHandlerDependencies } from "./order-handlers";
import { pipelineHandlers } from "./pipeline-handlers";

export type SalesPipelineDependencies = LeadHandlerDependencies & OrderHandlerDependencies & { pipelines: PipelineRepository; deals: DealRepository; cells: ForecastCells };

/** crm.sales_pipeline.v1.SalesPipelineService: the handlers of each resource. */
export function salesPipelineService(rpc: ServiceRuntime["rpc"], deps: SalesPipelineDependencies): ServiceRegistration {
  return {
    name: "crm.sales_pipeline.v1.SalesPipelineService",
    definition: salesPipelineV1.SalesPipelineServiceService,
    implementation: { ...leadHandlers(rpc, deps), ...pipelineHandlers(rpc, deps), ...dealHandlers(rpc, deps), ...orderHandlers(rpc, deps) },
  };
}
