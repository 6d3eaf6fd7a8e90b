import { joinErasureSaga, ServiceRuntime } from "@crm/kit";
import type { ContactsConfig } from "./config";
import { startConsumers } from "./events/consumers";
import { contactsService } from "./rpc/contacts-service";
import type { ContactsDependencies } from "./rpc/dependencies";
import { importTargetFor } from "./rpc/import-targets";
import { ImportWorker } from "./rpc/import-worker";
import { ContactCache } from "./store/contact-cache";
import { ContactCreation } from "./store/contact-creation";
import { CachedContactReads } from "./store/contact-reads";
import { ContactErasure } from "./store/contact-erasure";
import { ContactExport } from "./store/contact-export";
import { ContactMerges } from "./store/contact-merges";
import { ContactRepository } from "./store/contact-repository";
import { ContactWriter } from "./store/contact-writer";
import { createContactModel } from "./store/contact.model";
import { CustomFieldRepository } from "./store/custom-field-repository";
import { createCustomFieldsModel } from "./store/custom-field.model";
import { createImportFileChunkModel } from "./store/import-file.model";
import { ImportFileStore } from "./store/import-files";
import { ImportJobRepository } from "./store/import-job-repository";
import { createImportJobModel } from "./store/import-job.model";
import { createMatchKeyModel } from "./store/match-key.model";
import { MatchKeyIndex } from "./store/match-keys";
import { createMergeModel } from "./store/merge.model";
import { createOrganizationModel } from "./store/organization.model";
import { OrganizationRepository } from "./store/organization-repository";

/**
 * Builds the contacts service on its runtime: models, repositories, outbox relay, consumers and
 * the gRPC service. main.ts runs it as a process; tests run it in-process on port 0.
 */
export async function startContacts(config: ContactsConfig) {
  const runtime = await ServiceRuntime.start("contacts", config);
  const { mongo, log } = runtime;
  const models = {
    contact: await createContactModel(mongo),
    organization: await createOrganizationModel(mongo),
    matchKey: await createMatchKeyModel(mongo),
    merge: await createMergeModel(mongo),
    customFields: createCustomFieldsModel(mongo),
    importJob: await createImportJobModel(mongo),
    importFileChunk: await createImportFileChunkModel(mongo),
  };
  const relay = runtime.startOutboxRelay([models.contact, models.organization]);
  const keys = new MatchKeyIndex(models.matchKey);
  const cache = new ContactCache(runtime.redis);
  const contacts = new ContactRepository(models.contact, relay.outboxOf(models.contact));
  const organizations = new OrganizationRepository(models.organization, keys, relay.outboxOf(models.organization), log);
  const creation = new ContactCreation(contacts, new CachedContactReads(contacts, cache), keys, (tenantId, ids) => organizations.namesById(tenantId, ids), log);
  const writer = new ContactWriter(contacts, keys, cache, organizations, creation, log);
  const deps: ContactsDependencies = {
    contacts,
    writer,
    cache,
    organizations,
    merges: new ContactMerges(contacts, writer, keys, models.merge, log),
    erasure: new ContactErasure(contacts, writer, keys, models.merge),
    customFields: new CustomFieldRepository(models.customFields),
    imports: new ImportJobRepository(models.importJob),
    importFiles: new ImportFileStore(models.importFileChunk),
  };
  await joinErasureSaga(runtime, (request) => deps.erasure.erase(request));
  const subjectExport = new ContactExport(contacts, keys, models.merge);
  runtime.exportSubjectDataWith((request) => subjectExport.export(request));
  await startConsumers(runtime, deps);
  const importWorker = new ImportWorker({
    imports: deps.imports, files: deps.importFiles, targetFor: (job) => importTargetFor(deps, job), log, leaseMs: config.IMPORT_LEASE_MS, pollMs: config.IMPORT_POLL_MS,
  });
  runtime.runInBackground(importWorker);
  const ports = await runtime.serve([contactsService(runtime.rpc, deps, log, importWorker)]);
  return { runtime, relay, ports, models, deps, importWorker };
}
