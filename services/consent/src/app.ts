import { ServiceRuntime } from "@crm/kit";
import type { ConsentConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { consentService } from "./rpc/consent-service";
import { Participants } from "./rpc/participants";
import { PeriodicTask } from "./rpc/periodic-task";
import { SubjectRequestCoordinator } from "./rpc/subject-request-coordinator";
import { subjectRequestWorker } from "./rpc/subject-request-worker";
import { ConsentCache } from "./store/consent-cache";
import { ConsentChecks } from "./store/consent-checks";
import { ConsentErasure } from "./store/consent-erasure";
import { ConsentExport } from "./store/consent-export";
import { ConsentMerges } from "./store/consent-merges";
import { ConsentRecorder } from "./store/consent-recorder";
import { ConsentStateRepository } from "./store/consent-state-repository";
import { createConsentStateModel } from "./store/consent-state.model";
import { createExportPartModel } from "./store/export-part.model";
import { createLedgerEntryModel } from "./store/ledger-entry.model";
import { LedgerRepository } from "./store/ledger-repository";
import { PurposeRepository } from "./store/purpose-repository";
import { createPurposeModel } from "./store/purpose.model";
import { receiptSigner } from "./store/signing-key";
import { SubjectRequestRepository } from "./store/subject-request-repository";
import { createSubjectRequestModel } from "./store/subject-request.model";
import { SuppressionCache } from "./store/suppression-cache";
import { SuppressionRepository } from "./store/suppression-repository";
import { createSuppressionModel } from "./store/suppression.model";

/** Largest check request read: 100 000 subjects with their addresses. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * The consent service on the kit's runtime (MongoDB, Redis, NATS, health): its models and
 * repositories, the relay that publishes their outbox, its consumers, its background work and
 * its gRPC service. main.ts runs it as a process; the tests run it in-process on free ports.
 */
export async function startConsent(config: ConsentConfig) {
  const runtime = await ServiceRuntime.start("consent", config);
  const { mongo, redis, log } = runtime;
  const models = {
    purpose: await createPurposeModel(mongo),
    ledger: await createLedgerEntryModel(mongo),
    state: await createConsentStateModel(mongo),
    suppression: await createSuppressionModel(mongo),
    request: await createSubjectRequestModel(mongo),
    exportPart: await createExportPartModel(mongo),
  };
  const relay = runtime.startOutboxRelay([models.purpose, models.ledger, models.request]);
  const purposes = new PurposeRepository(models.purpose, relay.outboxOf(models.purpose));
  const ledger = new LedgerRepository(models.ledger, relay.outboxOf(models.ledger));
  const states = new ConsentStateRepository(models.state);
  const cache = new ConsentCache(redis, config.CONSENT_CACHE_TTL_SECONDS);
  const suppressions = new SuppressionRepository(models.suppression);
  const suppressionCache = new SuppressionCache(redis, config.CONSENT_CACHE_TTL_SECONDS);
  const requests = new SubjectRequestRepository(models.request, models.exportPart, relay.outboxOf(models.request));
  const recorder = new ConsentRecorder(ledger, states, cache);

  const exporter = new ConsentExport({ ledger, states, purposes, suppressions, requests });
  runtime.exportSubjectDataWith((request) => exporter.export(request));
  const participants = new Participants(config.addresses, { identitySigningKey: config.IDENTITY_SIGNING_KEY, timeoutMs: config.PARTICIPANT_TIMEOUT_MS }, {
    service: "consent",
    exporter: (request) => exporter.export(request),
  });
  const signer = await receiptSigner(mongo, config.RECEIPT_SIGNING_KEY, log);
  const coordinator = new SubjectRequestCoordinator({ requests, participants, signer, log }, { deployment: config.DEPLOYMENT, reaskMs: config.SUBJECT_REQUEST_REASK_MS });
  const worker = subjectRequestWorker(coordinator, requests, { pollMs: config.SUBJECT_REQUEST_POLL_MS, leaseMs: config.PARTICIPANT_TIMEOUT_MS * 3, log });
  const repair = new PeriodicTask(
    "projection repair",
    config.PROJECTION_REPAIR_AFTER_MS,
    async () => void (await recorder.repair(new Date(Date.now() - config.PROJECTION_REPAIR_AFTER_MS))),
    log,
  );

  await startConsumers(runtime, {
    erasure: new ConsentErasure({ ledger, states, cache, purposes, suppressions, requests }),
    merges: new ConsentMerges(states, recorder, log),
    coordinator,
    services: participants.services,
  });
  runtime.runInBackground(worker);
  runtime.runInBackground(repair);
  // The channels to the other services close with the background work that uses them.
  runtime.runInBackground({ start: () => undefined, stop: async () => participants.close() });

  const deps = {
    purposes,
    recorder,
    states,
    ledger,
    checks: new ConsentChecks({ cache, states, suppressionCache, suppressions }),
    suppressions,
    suppressionCache,
    requests,
    coordinator,
    signer,
    kickWorker: () => worker.kick(),
  };
  const ports = await runtime.serve([consentService(runtime.rpc, deps)], { maxReceiveMessageBytes: MAX_REQUEST_BYTES });
  return { runtime, relay, ports, models, deps, worker };
}
