import { runService } from "@crm/kit";
import { startInteractions } from "./app";
import { loadInteractionsConfig } from "./config";

// Wiring only: configuration from the environment, then the service that app.ts builds.
runService(() => startInteractions(loadInteractionsConfig()));
