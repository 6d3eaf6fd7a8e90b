import { loadConfig, serviceConfigSchemaFor } from "@crm/kit";
import { loadRegistry } from "@crm/registry";
import { z } from "zod";
import { CONVERSION_STEPS } from "./domain/lead";

/**
 * The environment, parsed once at start: the kit's service variables with this service's
 * defaults (ports from the registry, database crm_sales_pipeline, consumer group), where the
 * contacts service listens, and this service's own settings.
 */
const salesPipelineConfigSchema = (contactsPort: number) =>
  serviceConfigSchemaFor("sales-pipeline")
    .extend({
      /** The contacts service, which a conversion asks to create or find the person and organisation. */
      CONTACTS_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, "must be host:port").default(`127.0.0.1:${contactsPort}`),
      /** Deadline of each call to contacts. */
      CONTACTS_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
      /** How long one attempt holds a conversion before a retry or the recovery sweep may take it over (it renews at each step). */
      CONVERSION_HOLD_MS: z.coerce.number().int().positive().default(30_000),
      /**
       * For fault-injection tests only: the process kills itself (SIGKILL) right after this
       * conversion step is done and recorded, as a crash between two steps would.
       */
      CONVERSION_HALT_AFTER_STEP: z.enum(CONVERSION_STEPS).optional(),
      /** How often the sweeps run: conversions to resume, scores to compute again, customer values to bring up to date. */
      SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(5_000),
      /** How long a replica's lease on the sweeps lasts unless renewed. */
      SWEEP_LEASE_MS: z.coerce.number().int().positive().default(30_000),
      /** Order and deal changes whose read models (customer values, forecast cells) are still not up to date after this long are finished by the sweep. */
      READ_MODEL_SETTLE_MS: z.coerce.number().int().positive().default(10_000),
    })
    .refine((config) => config.SWEEP_INTERVAL_MS * 3 <= config.SWEEP_LEASE_MS, {
      path: ["SWEEP_LEASE_MS"],
      message: "must be at least three times SWEEP_INTERVAL_MS, so that the holder renews it in time",
    });

export type SalesPipelineConfig = z.output<ReturnType<typeof salesPipelineConfigSchema>>;

export function loadSalesPipelineConfig(env: NodeJS.ProcessEnv = process.env): SalesPipelineConfig {
  const contacts = loadRegistry().services.find((service) => service.name === "contacts");
  return loadConfig(salesPipelineConfigSchema(contacts?.grpcPort ?? 50051), env);
}
