import { contactsV1 } from "@crm/proto";
import { stringify } from "csv-stringify/sync";
import { ClientGoneError, PermissionDeniedError, requireId, ValidationError, type Logger, type ServiceRuntime } from "@crm/kit";
import { CONTACT_COLUMNS, contactToRow, mappingViolations } from "../domain/csv-columns";
import { contactListFields } from "../domain/list-fields";
import { isCountryCode } from "../domain/normalise";
import { searchQueryTokens } from "../domain/search";
import type { DuplicatePolicy, ImportJobDocument, ImportOptions } from "../store/import-job.model";
import type { ContactsDependencies } from "./dependencies";
import { receiveImportFile } from "./import-upload";
import type { ImportWorker } from "./import-worker";

type Handlers = Pick<contactsV1.ContactsServiceServer, "createImportJob" | "uploadImportFile" | "getImportJob" | "exportContacts">;

const { ImportEntity, DuplicatePolicy: ProtoPolicy, ImportStatus } = contactsV1;
const POLICIES: Record<number, DuplicatePolicy> = {
  [ProtoPolicy.DUPLICATE_POLICY_SKIP]: "skip",
  [ProtoPolicy.DUPLICATE_POLICY_UPDATE]: "update",
  [ProtoPolicy.DUPLICATE_POLICY_CREATE]: "create",
};
const STATUSES = {
  awaiting_file: ImportStatus.IMPORT_STATUS_AWAITING_FILE,
  receiving: ImportStatus.IMPORT_STATUS_RECEIVING,
  queued: ImportStatus.IMPORT_STATUS_QUEUED,
  running: ImportStatus.IMPORT_STATUS_RUNNING,
  completed: ImportStatus.IMPORT_STATUS_COMPLETED,
  failed: ImportStatus.IMPORT_STATUS_FAILED,
} as const;
const NATURAL_KEYS = { contacts: ["email", "phone", "external_id"], organizations: ["domain", "external_id"] } as const;
const EXPORT_BATCH = 500;

/** CSV import as a job (create, upload, poll) and CSV export of a filter. */
export function importHandlers(rpc: ServiceRuntime["rpc"], deps: ContactsDependencies, log: Logger, importWorker: Pick<ImportWorker, "kick">): Handlers {
  const { imports } = deps;
  return {
    createImportJob: rpc("CreateImportJob", async (request: contactsV1.CreateImportJobRequest, { identity }) => {
      // The job runs on its own, for no caller: it would match and update records beyond a limited caller's own.
      if (identity.owners) throw new PermissionDeniedError("imports need access to every record of the tenant");
      const job = await imports.create(identity.tenantId, toOptions(request.options), identity.subject);
      return { job: toProtoJob(job) };
    }),

    uploadImportFile: rpc.clientStream("UploadImportFile", async (messages: AsyncIterable<contactsV1.UploadImportFileRequest>, { identity }) => {
      const iterator = messages[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done || first.value.part?.$case !== "jobId") throw ValidationError.field("jobId", "the first message names the job");
      requireId(first.value.part.jobId, "jobId");
      const job = await imports.receive(identity.tenantId, first.value.part.jobId);
      async function* chunks(): AsyncGenerator<Buffer> {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          const part = next.value.part;
          if (part?.$case === "endOfFile" && part.endOfFile) return;
          if (part?.$case !== "chunk") throw ValidationError.field("chunk", "only the first message names the job");
          yield Buffer.from(part.chunk);
        }
        throw new ClientGoneError();
      }
      const queued = await receiveImportFile(imports, deps.importFiles, job, chunks(), log);
      importWorker.kick();
      return { job: toProtoJob(queued) };
    }),

    getImportJob: rpc("GetImportJob", async (request: contactsV1.GetImportJobRequest, { identity }) => {
      requireId(request.id, "id");
      return { job: toProtoJob(await imports.get(identity.tenantId, request.id)) };
    }),

    exportContacts: rpc.serverStream("ExportContacts", async (request: contactsV1.ExportContactsRequest, { identity }, send) => {
      const definitions = await deps.customFields.list(identity.tenantId);
      const customKeys = definitions.map((d) => d.key);
      const columns = [...CONTACT_COLUMNS, ...customKeys.map((key) => `custom.${key}`)];
      const batches = deps.contacts.stream(identity.tenantId, request.filter, searchQueryTokens(request.search), contactListFields(definitions), "", EXPORT_BATCH);
      await send({ chunk: Buffer.from(stringify([columns])) });
      for await (const batch of batches) {
        const rows = batch.map((contact) => contactToRow(contact, customKeys)).map((row) => columns.map((column) => row[column] ?? ""));
        await send({ chunk: Buffer.from(stringify(rows)) });
      }
    }),
  };
}

function toOptions(input: contactsV1.ImportOptions | undefined): ImportOptions {
  if (!input) throw ValidationError.field("options", "is required");
  const entity = input.entity === ImportEntity.IMPORT_ENTITY_CONTACTS ? "contacts" : input.entity === ImportEntity.IMPORT_ENTITY_ORGANIZATIONS ? "organizations" : undefined;
  if (!entity) throw ValidationError.field("options.entity", "must be contacts or organizations");
  const violations = mappingViolations(input.columnMapping, entity);
  const naturalKey = input.naturalKey || NATURAL_KEYS[entity][0];
  if (!(NATURAL_KEYS[entity] as readonly string[]).includes(naturalKey)) {
    violations.push({ field: "options.naturalKey", description: `must be one of: ${NATURAL_KEYS[entity].join(", ")}` });
  }
  const region = input.defaultPhoneRegion.trim().toUpperCase();
  if (region && !isCountryCode(region)) violations.push({ field: "options.defaultPhoneRegion", description: "must be an ISO 3166-1 alpha-2 code" });
  if (violations.length) throw new ValidationError(violations);
  return {
    entity,
    columnMapping: input.columnMapping,
    dryRun: input.dryRun,
    naturalKey: naturalKey as ImportOptions["naturalKey"],
    onDuplicate: POLICIES[input.onDuplicate] ?? "skip",
    defaultPhoneRegion: region,
    dropInvalidOptionalFields: input.dropInvalidOptionalFields,
  };
}

const ENTITIES = { contacts: ImportEntity.IMPORT_ENTITY_CONTACTS, organizations: ImportEntity.IMPORT_ENTITY_ORGANIZATIONS } as const;
const POLICY_TO_PROTO = { skip: ProtoPolicy.DUPLICATE_POLICY_SKIP, update: ProtoPolicy.DUPLICATE_POLICY_UPDATE, create: ProtoPolicy.DUPLICATE_POLICY_CREATE } as const;

function toProtoJob(job: ImportJobDocument): contactsV1.ImportJob {
  return {
    id: job._id,
    options: {
      entity: ENTITIES[job.options.entity],
      columnMapping: job.options.columnMapping,
      dryRun: job.options.dryRun,
      naturalKey: job.options.naturalKey,
      onDuplicate: POLICY_TO_PROTO[job.options.onDuplicate],
      defaultPhoneRegion: job.options.defaultPhoneRegion,
      dropInvalidOptionalFields: job.options.dropInvalidOptionalFields ?? false,
    },
    status: STATUSES[job.status],
    rowsProcessed: String(job.rowsProcessed),
    created: String(job.created),
    updated: String(job.updated),
    skipped: String(job.skipped),
    failed: String(job.failed),
    errors: job.rowErrors.map((e) => ({ row: String(e.row), field: e.field, message: e.message })),
    failureReason: job.failureReason,
    createTime: job.createdAt,
    updateTime: job.updatedAt,
    finishTime: job.finishedAt,
    bytesReceived: String(job.bytesReceived ?? 0),
  };
}
