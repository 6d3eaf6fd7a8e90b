import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import { registeredService } from "@crm/registry";
import { z } from "zod";

const address = (service: string) => z.string().regex(/^[^\s:]+:\d+$/, "must be host:port").default(`127.0.0.1:${registeredService(service).grpcPort}`);

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults, where the contacts and consent services listen, the channel provider, the send
 * job's pace, and the defaults of each tenant's settings.
 */
const marketingCampaignConfigSchema = () =>
  serviceConfigSchemaFor("marketing-campaign")
    .extend({
      CONTACTS_ADDRESS: address("contacts"),
      CONSENT_ADDRESS: address("consent"),
      /** Deadline of each unary call to contacts and consent. */
      UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
      /** `file` writes each message into CAMPAIGN_OUTBOX_DIR; `smtp` sends e-mail through SMTP_HOST. */
      CAMPAIGN_PROVIDER: z.enum(["file", "smtp"]).default("file"),
      CAMPAIGN_OUTBOX_DIR: z.string().min(1).default(path.join(tmpdir(), "crm-campaign-outbox")),
      /** The sender of campaigns that name none, and the domain of Message-IDs. */
      CAMPAIGN_DEFAULT_FROM: z.string().min(3).default("CRM <campaigns@crm.local>"),
      CAMPAIGN_MESSAGE_DOMAIN: z.string().min(1).default("crm.local"),
      SMTP_HOST: z.string().min(1).optional(),
      SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
      SMTP_SECURE: z.enum(["true", "false"]).default("false").transform((value) => value === "true"),
      SMTP_USER: z.string().optional(),
      SMTP_PASSWORD: z.string().optional(),
      SMTP_MAX_CONNECTIONS: z.coerce.number().int().positive().default(5),
      /** How often a replica looks for campaigns due, and how long its hold on one lasts unless renewed. */
      CAMPAIGN_POLL_MS: z.coerce.number().int().positive().default(5_000),
      CAMPAIGN_LEASE_MS: z.coerce.number().int().positive().default(30_000),
      CAMPAIGN_RETRY_MS: z.coerce.number().int().positive().default(30_000),
      CAMPAIGN_SEND_BATCH: z.coerce.number().int().min(1).max(1_000).default(100),
      CAMPAIGN_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(16),
      /** Defaults of each tenant's settings (UpdateCampaignSettings overrides them per tenant). */
      CAMPAIGN_SEND_RATE_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(100),
      CAMPAIGN_SOFT_BOUNCE_LIMIT: z.coerce.number().int().min(1).max(100).default(3),
      CAMPAIGN_SOFT_BOUNCE_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    })
    .refine((config) => config.CAMPAIGN_PROVIDER !== "smtp" || config.SMTP_HOST, { message: "is required when CAMPAIGN_PROVIDER=smtp", path: ["SMTP_HOST"] });

export type MarketingCampaignConfig = z.output<ReturnType<typeof marketingCampaignConfigSchema>>;

export function loadMarketingCampaignConfig(env: NodeJS.ProcessEnv = process.env): MarketingCampaignConfig {
  return loadConfig(marketingCampaignConfigSchema(), env);
}
