import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import type { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_sales_pipeline, consumer group). Add this
 * service's own variables with `.extend({ NAME: z.… })` (docs/extending.md).
 */
const salesPipelineConfigSchema = () => serviceConfigSchemaFor("sales-pipeline");

export type SalesPipelineConfig = z.output<ReturnType<typeof salesPipelineConfigSchema>>;

export function loadSalesPipelineConfig(env: NodeJS.ProcessEnv = process.env): SalesPipelineConfig {
  return loadConfig(salesPipelineConfigSchema(), env);
}
