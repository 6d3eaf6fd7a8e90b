import { runService } from "@crm/kit";
import { startContacts } from "./app";
import { loadContactsConfig } from "./config";

// The process: configuration from the environment, then the service (app.ts wires it).
runService(() => startContacts(loadContactsConfig()));
