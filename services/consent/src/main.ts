import { runService } from "@crm/kit";
import { startConsent } from "./app";
import { loadConsentConfig } from "./config";

// Wiring only: configuration from the environment, then the service that app.ts builds.
runService(() => startConsent(loadConsentConfig()));
