import { runService } from "@crm/kit";
import { startSalesPipeline } from "./app";
import { loadSalesPipelineConfig } from "./config";

// Wiring only: configuration from the environment, then the service that app.ts builds.
runService(() => startSalesPipeline(loadSalesPipelineConfig()));
