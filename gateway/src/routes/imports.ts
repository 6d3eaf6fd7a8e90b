import { contactsV1 } from "@crm/proto";
import { z } from "zod";
import type { ContactsClient } from "../clients/contacts";
import type { ApiRegistry } from "../http/api-registry";
import { limitedBody } from "../http/body-limit";
import { idParams } from "./schemas";

const { ImportEntity, DuplicatePolicy, ImportStatus, CustomFieldType } = contactsV1;
const lower = <E extends Record<string, string | number>>(values: E, prefix: string) => (value: number) => String(values[value]).slice(prefix.length).toLowerCase();

const importOptionsSchema = z
  .object({
    entity: z.enum(["contacts", "organizations"]),
    columnMapping: z.record(z.string().max(200), z.string().max(60)).optional().describe("CSV header -> column (e.g. \"E-mail\": \"email\"); headers are column names when omitted"),
    dryRun: z.boolean().optional().describe("Validate and count, write nothing"),
    naturalKey: z.enum(["email", "phone", "external_id", "domain"]).optional().describe("Upsert key: email (default), phone or external_id; domain or external_id for organisations"),
    onDuplicate: z.enum(["skip", "update", "create"]).optional().describe("When the natural key matches: skip (default), update or create anyway"),
    defaultPhoneRegion: z.string().max(2).optional(),
    dropInvalidOptionalFields: z.boolean().optional().describe("Import a row without its invalid optional fields (birthday, language, time zone, a second e-mail or phone...), each reported in errors, instead of failing the row"),
  })
  .strict();

const jobSchema = z.object({
  id: z.string(),
  status: z.enum(["awaiting_file", "receiving", "queued", "running", "completed", "failed"]),
  options: z.object({
    entity: z.string(), columnMapping: z.record(z.string(), z.string()), dryRun: z.boolean(), naturalKey: z.string(), onDuplicate: z.string(), defaultPhoneRegion: z.string(),
    dropInvalidOptionalFields: z.boolean(),
  }),
  rowsProcessed: z.number(),
  created: z.number(),
  updated: z.number(),
  skipped: z.number(),
  failed: z.number(),
  errors: z.array(z.object({ row: z.number(), field: z.string(), message: z.string() })).describe("The first 1000 row errors"),
  failureReason: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
  bytesReceived: z.number().describe("Size of the uploaded file"),
});

function toRestJob(job: contactsV1.ImportJob | undefined): z.output<typeof jobSchema> {
  if (!job) throw new Error("the contacts service answered without a job");
  const options = job.options!;
  return {
    id: job.id,
    status: lower(ImportStatus, "IMPORT_STATUS_")(job.status) as z.output<typeof jobSchema>["status"],
    options: {
      entity: lower(ImportEntity, "IMPORT_ENTITY_")(options.entity),
      columnMapping: options.columnMapping,
      dryRun: options.dryRun,
      naturalKey: options.naturalKey,
      onDuplicate: lower(DuplicatePolicy, "DUPLICATE_POLICY_")(options.onDuplicate),
      defaultPhoneRegion: options.defaultPhoneRegion,
      dropInvalidOptionalFields: options.dropInvalidOptionalFields,
    },
    rowsProcessed: Number(job.rowsProcessed),
    created: Number(job.created),
    updated: Number(job.updated),
    skipped: Number(job.skipped),
    failed: Number(job.failed),
    errors: job.errors.map((e) => ({ row: Number(e.row), field: e.field, message: e.message })),
    failureReason: job.failureReason,
    createdAt: job.createTime?.toISOString() ?? "",
    updatedAt: job.updateTime?.toISOString() ?? "",
    finishedAt: job.finishTime?.toISOString() ?? null,
    bytesReceived: Number(job.bytesReceived),
  };
}

const definitionSchema = z.object({
  key: z.string(),
  label: z.string(),
  type: z.enum(["text", "number", "boolean", "date", "select"]),
  options: z.array(z.string()),
});

/** A select field lists its options; other types take none. */
const definitionInputSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("select"), label: z.string().max(200).optional(), options: z.array(z.string().max(200).regex(/\S/, "is empty")).min(1).max(100) }).strict(),
  z.object({ type: z.enum(["text", "number", "boolean", "date"]), label: z.string().max(200).optional() }).strict(),
]);

export function registerImportRoutes(api: ApiRegistry, contacts: ContactsClient): void {
  api.route({
    method: "post", path: "/v1/imports", operationId: "createImport", summary: "Create an import job (then upload its CSV file)", tag: "Import and export",
    permission: "contacts:write", body: importOptionsSchema,
    response: { status: 201, schema: jobSchema, description: "The job, awaiting its file" },
    handler: async ({ body, identity, res }) => {
      const { job } = await contacts.call(identity, "createImportJob", {
        options: {
          entity: body.entity === "contacts" ? ImportEntity.IMPORT_ENTITY_CONTACTS : ImportEntity.IMPORT_ENTITY_ORGANIZATIONS,
          columnMapping: body.columnMapping ?? {},
          dryRun: body.dryRun ?? false,
          naturalKey: body.naturalKey ?? "",
          onDuplicate: DuplicatePolicy[`DUPLICATE_POLICY_${(body.onDuplicate ?? "skip").toUpperCase()}` as keyof typeof DuplicatePolicy],
          defaultPhoneRegion: body.defaultPhoneRegion ?? "",
          dropInvalidOptionalFields: body.dropInvalidOptionalFields ?? false,
        },
      });
      res.location(`/v1/imports/${job?.id}`);
      return toRestJob(job);
    },
  });

  api.route({
    method: "put", path: "/v1/imports/:id/file", operationId: "uploadImportFile",
    summary: "Upload the CSV file of an import job; answers 202 once the file is stored, and the job runs on its own",
    tag: "Import and export", permission: "contacts:write", params: idParams,
    rawBody: { mediaType: "text/csv", description: "UTF-8 CSV with a header row; streamed, up to the gateway's upload limit (1 GiB by default). A file that is not valid CSV is refused while it is sent." },
    response: { status: 202, schema: jobSchema, description: "The job, queued with its file; poll its Location for progress and the per-row report" },
    handler: async ({ params, identity, req, res }) => {
      // Read without destroying the request when the service stops the upload early, so that
      // its refusal can still be sent.
      const file = limitedBody(req.iterator({ destroyOnReturn: false }), res.locals.uploadLimitBytes as number);
      const job = toRestJob(await contacts.uploadImportFile(identity, params.id, file));
      res.location(`/v1/imports/${job.id}`);
      return job;
    },
  });

  api.route({
    method: "get", path: "/v1/imports/:id", operationId: "getImport", summary: "Progress and result of an import job", tag: "Import and export",
    permission: "contacts:read", params: idParams, response: { status: 200, schema: jobSchema, description: "The job" },
    handler: async ({ params, identity }) => toRestJob((await contacts.call(identity, "getImportJob", { id: params.id })).job),
  });

  api.route({
    method: "get", path: "/v1/custom-fields", operationId: "listCustomFields", summary: "The tenant's custom contact fields", tag: "Custom fields",
    permission: "contacts:read", response: { status: 200, schema: z.object({ data: z.array(definitionSchema) }), description: "Definitions" },
    handler: async ({ identity }) => ({
      data: (await contacts.call(identity, "listCustomFields", {})).definitions.map((d) => ({ ...d, type: lower(CustomFieldType, "CUSTOM_FIELD_TYPE_")(d.type) as z.output<typeof definitionSchema>["type"] })),
    }),
  });

  api.route({
    method: "put", path: "/v1/custom-fields/:key", operationId: "defineCustomField", summary: "Define or change a custom contact field", tag: "Custom fields",
    permission: "contacts:admin", params: z.object({ key: z.string().regex(/^[a-z][A-Za-z0-9]{0,39}$/, "must be lower camel case, letters and digits, at most 40 (e.g. shoeSize)") }),
    body: definitionInputSchema,
    response: { status: 200, schema: definitionSchema, description: "The definition" },
    handler: async ({ params, body, identity }) => {
      const { definition } = await contacts.call(identity, "defineCustomField", {
        definition: { key: params.key, label: body.label ?? "", options: body.type === "select" ? body.options : [], type: CustomFieldType[`CUSTOM_FIELD_TYPE_${body.type.toUpperCase()}` as keyof typeof CustomFieldType] },
      });
      return { ...definition!, type: lower(CustomFieldType, "CUSTOM_FIELD_TYPE_")(definition!.type) as z.output<typeof definitionSchema>["type"] };
    },
  });
}
