import { createSchedulerLeaseModel, SchedulerLeases, ServiceRuntime } from "@crm/kit";
import type { SalesPipelineConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { Sweeps } from "./events/sweeps";
import { ContactsDirectory, createContactsClient } from "./rpc/contacts-directory";
import { LeadConversions } from "./rpc/lead-conversion";
import { salesPipelineService } from "./rpc/sales-pipeline-service";
import { ContactMerges } from "./store/contact-merges";
import { createCustomerProductModel, createCustomerValueModel } from "./store/customer-value.model";
import { CustomerValues } from "./store/customer-values";
import { DealRepository } from "./store/deal-repository";
import { createForecastCellModel } from "./store/forecast-cell.model";
import { ForecastCells } from "./store/forecast-cells";
import { createDealModel } from "./store/deal.model";
import { LeadRepository } from "./store/lead-repository";
import { LeadScoring } from "./store/lead-scoring";
import { createLeadModel } from "./store/lead.model";
import { OrderRepository } from "./store/order-repository";
import { createOrderModel } from "./store/order.model";
import { PipelineRepository } from "./store/pipeline-repository";
import { createPipelineModel } from "./store/pipeline.model";
import { ProductRepository } from "./store/product-repository";
import { createProductModel } from "./store/product.model";
import { ScoringRulesRepository } from "./store/scoring-rules-repository";
import { createScoringRulesModel } from "./store/scoring-rules.model";
import { SignalRepository } from "./store/signal-repository";
import { createSignalModel } from "./store/signal.model";
import { SubjectErasure } from "./store/subject-erasure";

const SWEEP_BATCH = 100;

/**
 * The sales-pipeline service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, the contacts client conversions use, its
 * consumers (erasure, behaviour, merges), its sweeps, its gRPC service. main.ts runs it as a
 * process; the tests run it in-process on free ports.
 */
export async function startSalesPipeline(config: SalesPipelineConfig) {
  const runtime = await ServiceRuntime.start("sales-pipeline", config);
  const { mongo, log } = runtime;
  const models = {
    lead: await createLeadModel(mongo),
    scoringRules: await createScoringRulesModel(mongo),
    signal: await createSignalModel(mongo),
    pipeline: await createPipelineModel(mongo),
    deal: await createDealModel(mongo),
    forecastCell: await createForecastCellModel(mongo),
    product: await createProductModel(mongo),
    order: await createOrderModel(mongo),
    customerValue: await createCustomerValueModel(mongo),
    customerProduct: await createCustomerProductModel(mongo),
    schedulerLease: await createSchedulerLeaseModel(mongo),
  };
  const relay = runtime.startOutboxRelay([models.lead, models.pipeline, models.deal, models.product, models.order]);
  const leads = new LeadRepository(models.lead, relay.outboxOf(models.lead));
  const rules = new ScoringRulesRepository(models.scoringRules);
  const signals = new SignalRepository(models.signal);
  const scoring = new LeadScoring(leads, rules, signals);
  const pipelines = new PipelineRepository(models.pipeline, relay.outboxOf(models.pipeline));
  const cells = new ForecastCells(models.forecastCell, models.deal, log);
  const deals = new DealRepository(models.deal, relay.outboxOf(models.deal), cells);
  const products = new ProductRepository(models.product, relay.outboxOf(models.product));
  const orders = new OrderRepository(models.order, relay.outboxOf(models.order));
  const customerValues = new CustomerValues(models.customerValue, models.customerProduct, orders, log);
  const contacts = createContactsClient(config.CONTACTS_ADDRESS, { identitySigningKey: config.IDENTITY_SIGNING_KEY, timeoutMs: config.CONTACTS_TIMEOUT_MS });
  const conversions = new LeadConversions({ leads, deals, pipelines, contacts: new ContactsDirectory(contacts) }, { holdMs: config.CONVERSION_HOLD_MS, haltAfterStep: config.CONVERSION_HALT_AFTER_STEP, log });
  const stores = { leads, deals, orders, signals, customerValues };
  const erasure = new SubjectErasure(stores);
  await startConsumers(runtime, { signals, scoring, merges: new ContactMerges(stores, log), erasure });
  const sweeps = new Sweeps(
    [
      { name: "conversion-recovery", run: (now) => conversions.recover(now, SWEEP_BATCH) },
      { name: "lead-rescoring", run: (now) => scoring.sweep(now, SWEEP_BATCH) },
      { name: "customer-values", run: (now) => customerValues.sweep(now, config.READ_MODEL_SETTLE_MS, SWEEP_BATCH) },
      { name: "forecast-cells", run: (now) => cells.sweep(new Date(now.getTime() - config.READ_MODEL_SETTLE_MS), SWEEP_BATCH) },
    ],
    { leases: new SchedulerLeases(models.schedulerLease), log, intervalMs: config.SWEEP_INTERVAL_MS, leaseMs: config.SWEEP_LEASE_MS, batch: SWEEP_BATCH },
  );
  runtime.runInBackground(sweeps);
  // Not a worker, but closed at the same point: after gRPC has drained, before the connections.
  runtime.runInBackground({ start: () => undefined, stop: async () => contacts.close() });
  const deps = { leads, scoring, rules, conversions, pipelines, deals, cells, products, orders, customerValues, log, wakeSweeps: () => sweeps.wake() };
  const ports = await runtime.serve([salesPipelineService(runtime.rpc, deps)]);
  return { runtime, relay, ports, models, stores, erasure, sweeps };
}
