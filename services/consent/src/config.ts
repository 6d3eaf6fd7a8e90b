import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import type { z } from "zod";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_consent, consumer group). Add this
 * service's own variables with `.extend({ NAME: z.… })` (docs/extending.md).
 */
const consentConfigSchema = () => serviceConfigSchemaFor("consent");

export type ConsentConfig = z.output<ReturnType<typeof consentConfigSchema>>;

export function loadConsentConfig(env: NodeJS.ProcessEnv = process.env): ConsentConfig {
  return loadConfig(consentConfigSchema(), env);
}
