import { createInteractionsClient } from "../clients/interactions";
import { interactionParts } from "../customer360/parts/interactions";
import { registerInteractionRoutes } from "../routes/interactions";
import { registerTaskRoutes } from "../routes/tasks";
import { registerTimelineRoutes } from "../routes/timelines";
import { defineGatewayService } from "./gateway-module";

/** Interactions: conversations, follow-up tasks, and the timelines of contacts, organisations and deals. */
export const gatewayService = defineGatewayService({
  createClient: createInteractionsClient,
  registerRoutes: (api, client) => {
    registerInteractionRoutes(api, client);
    registerTaskRoutes(api, client);
    registerTimelineRoutes(api, client);
  },
  customerParts: interactionParts,
});
