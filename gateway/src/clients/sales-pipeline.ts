import { salesPipelineV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import type { ClientSettings } from "../modules/gateway-module";

export type SalesPipelineClient = ServiceClient<salesPipelineV1.SalesPipelineServiceClient>;

/** The gateway's way to reach the sales-pipeline service: deadlines, identity, retries for reads. */
export function createSalesPipelineClient(address: string, { identityKey, timeoutMs }: ClientSettings): SalesPipelineClient {
  return new ServiceClient(salesPipelineV1.SalesPipelineServiceClient, address, {
    identityKey,
    timeoutMs,
    reads: [
      "getLead", "listLeads", "listLeadScoreHistory", "getScoringRules", "getPipeline", "listPipelines", "getDeal", "listDeals", "getBoard", "getForecast",
      "getStageConversion", "getProduct", "listProducts", "getOrder", "listOrders", "getCustomerValue", "listCustomerValues",
    ],
  });
}
