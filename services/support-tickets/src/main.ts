import { runService } from "@crm/kit";
import { startSupportTickets } from "./app";
import { loadSupportTicketsConfig } from "./config";

// Wiring only: configuration from the environment, then the service that app.ts builds.
runService(() => startSupportTickets(loadSupportTicketsConfig()));
