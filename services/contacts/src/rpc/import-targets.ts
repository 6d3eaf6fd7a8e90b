import { ConflictError, ValidationError, type FieldViolation } from "@crm/kit";
import { toDraft, type Contact, type ContactDraft, type ContactFields } from "../domain/contact";
import { contactDraftFromRow, organizationDraftFromRow, type Row } from "../domain/csv-columns";
import type { CustomFieldDefinition } from "../domain/custom-fields";
import { STRONG_MATCH } from "../domain/duplicates";
import { normaliseDomain, normaliseEmail, normalisePhone } from "../domain/normalise";
import { withoutInvalidOptionalFields } from "../domain/optional-fields";
import { organizationDraftOf, prepareOrganization, type OrganizationDraft } from "../domain/organization";
import { fieldsOf } from "../store/contact-repository";
import type { Actor } from "../store/actor";
import { duplicatesConflict } from "../store/duplicate-clashes";
import type { ImportJobDocument, ImportOptions } from "../store/import-job.model";
import type { ContactsDependencies } from "./dependencies";
import type { ImportTarget, RowOutcome, RowResult } from "./import-runner";

/**
 * Contacts rows: upsert on the natural key, with the same validation and the same duplicate
 * rules as CreateContact (a row is refused where a create would be).
 */
export function contactImportTarget(deps: ContactsDependencies, actor: Actor, options: ImportOptions, definitions: CustomFieldDefinition[]): ImportTarget {
  const { tenantId } = actor;
  const keyColumn = { email: "email", phone: "phone", external_id: "externalId", domain: "" }[options.naturalKey];
  const keyOf = (row: Row): string => {
    const value = (row[keyColumn] ?? "").trim();
    if (!value) return "";
    if (options.naturalKey === "email") return `email:${normaliseEmail(value)}`;
    if (options.naturalKey === "phone") {
      const phone = normalisePhone(value, options.defaultPhoneRegion);
      return phone.ok ? `phone:${phone.e164}` : "";
    }
    return `ext:${value}`;
  };
  const prepare = (draft: ContactDraft) => deps.writer.prepare(tenantId, draft, definitions);
  /** Prepares a row's draft; with dropInvalidOptionalFields, without the optional fields that fail. */
  const prepareRow = async (draft: ContactDraft): Promise<{ fields: ContactFields; dropped: FieldViolation[] }> => {
    try {
      return { fields: await prepare(draft), dropped: [] };
    } catch (error) {
      if (!options.dropInvalidOptionalFields || !(error instanceof ValidationError)) throw error;
      const repaired = withoutInvalidOptionalFields(draft, error.violations, options.naturalKey);
      if (!repaired) throw error;
      return { fields: await prepare(repaired.draft), dropped: repaired.dropped };
    }
  };

  /** A row whose natural key no contact holds: prepared, then created with the others of its batch. */
  const prepareCreate = async (draft: ContactDraft): Promise<{ fields: ContactFields; dropped: FieldViolation[] } | RowResult> => {
    const { fields, dropped } = await prepareRow(draft);
    const allowDuplicates = options.onDuplicate === "create";
    if (!options.dryRun) return { fields, dropped };
    const strong = (await deps.writer.findDuplicates(tenantId, fields)).filter((c) => c.score >= STRONG_MATCH);
    const refused = strong.filter((c) => !allowDuplicates || c.reasons.includes("same external id"));
    if (refused.length) return duplicatesConflict(`would duplicate ${refused.map((c) => c.id).join(", ")}`, refused);
    return { outcome: "created", dropped };
  };

  /** A row whose natural key a contact holds: skipped, or that contact updated with the row's columns. */
  const applyToExisting = async (existing: Contact, draft: ContactDraft, present: Iterable<keyof ContactDraft>): Promise<RowResult> => {
    if (options.onDuplicate === "skip") return "skipped";
    const merged = { ...toDraft(fieldsOf(existing)), defaultPhoneRegion: options.defaultPhoneRegion };
    for (const field of present) (merged as Record<string, unknown>)[field] = draft[field];
    const { fields, dropped } = await prepareRow(merged);
    if (options.dryRun) return { outcome: "updated", dropped };
    const updated = await deps.writer.update(actor, existing, fields);
    return { outcome: updated === existing ? "skipped" : "updated", dropped };
  };

  return {
    keyOf,
    async applyBatch(rows: Row[]): Promise<RowResult[]> {
      const results: RowResult[] = new Array(rows.length);
      const parsed = rows.map((row) => ({ key: keyOf(row), ...contactDraftFromRow(row, options.defaultPhoneRegion) }));
      const existing = await deps.writer.findByKeys(tenantId, parsed.map((p) => p.key).filter(Boolean));
      const creates: Array<{ index: number; fields: ContactFields; dropped: FieldViolation[] }> = [];
      for (const [index, { key, draft, present, violations }] of parsed.entries()) {
        results[index] = await refusalOf(async () => {
          if (violations.length) throw new ValidationError(violations);
          if (!key) throw ValidationError.field(keyColumn, `the natural key (${options.naturalKey}) is empty or invalid`);
          const holder = existing.get(key);
          if (holder && options.onDuplicate !== "create") return applyToExisting(holder, draft, present);
          const prepared = await prepareCreate(draft);
          if (typeof prepared === "object" && "fields" in prepared) {
            creates.push({ index, ...prepared });
            return "created";
          }
          return prepared;
        });
      }
      const created = await deps.writer.creation.createMany(actor, creates.map(({ fields }) => ({ fields, allowDuplicates: options.onDuplicate === "create" })));
      creates.forEach(({ index, dropped }, i) => {
        const outcome = created[i]!;
        results[index] = "refused" in outcome ? outcome.refused : { outcome: "created", dropped };
      });
      return results;
    },
  };
}

/** Runs a row's work; a refusal (invalid or conflicting row) becomes its result instead of stopping the batch. */
async function refusalOf(work: () => Promise<RowResult>): Promise<RowResult> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValidationError || error instanceof ConflictError) return error;
    throw error;
  }
}

/** Organisation rows: upsert on domain or external id. */
export function organizationImportTarget(deps: ContactsDependencies, actor: Actor, options: ImportOptions): ImportTarget {
  const { tenantId } = actor;
  const keyColumn = options.naturalKey === "domain" ? "domain" : "externalId";
  const keyOf = (row: Row): string => {
    const value = (row[keyColumn] ?? "").trim();
    if (!value) return "";
    return options.naturalKey === "domain" ? `org:domain:${normaliseDomain(value)}` : `org:ext:${value}`;
  };
  const apply = async (row: Row): Promise<RowOutcome> => {
      const { draft, present, violations } = organizationDraftFromRow(row);
      if (violations.length) throw new ValidationError(violations);
      const key = keyOf(row);
      if (!key) throw ValidationError.field(keyColumn, `the natural key (${options.naturalKey}) is empty`);
      const existing = await deps.organizations.findByKey(tenantId, key);
      if (existing && options.onDuplicate === "skip") return "skipped";
      if (existing && options.onDuplicate === "update") {
        const merged: OrganizationDraft = organizationDraftOf(existing);
        for (const field of present) (merged as Record<string, unknown>)[field] = draft[field];
        const fields = prepareOrganization(merged);
        if (options.dryRun) return "updated";
        await deps.organizations.update(actor, existing, fields);
        return "updated";
      }
      const fields = prepareOrganization(draft);
      if (options.dryRun) {
        const strong = (await deps.organizations.findDuplicates(tenantId, fields)).filter((c) => c.score >= STRONG_MATCH);
        if (strong.length && options.onDuplicate !== "create") throw duplicatesConflict(`would duplicate ${strong.map((c) => c.id).join(", ")}`, strong);
        return "created";
      }
      await deps.organizations.create(actor, fields, { allowDuplicates: options.onDuplicate === "create" });
      return "created";
  };
  return {
    keyOf,
    // Organisations come by the hundred, not the hundred thousand: one row after another.
    async applyBatch(rows: Row[]): Promise<RowResult[]> {
      const results: RowResult[] = [];
      for (const row of rows) results.push(await refusalOf(() => apply(row)));
      return results;
    },
  };
}


/** The target of a job's rows, acting as the user who created the job. */
export async function importTargetFor(deps: ContactsDependencies, job: ImportJobDocument): Promise<ImportTarget> {
  const actor = { tenantId: job.tenantId, subject: job.createdBy };
  return job.options.entity === "contacts"
    ? contactImportTarget(deps, actor, job.options, await deps.customFields.list(job.tenantId))
    : organizationImportTarget(deps, actor, job.options);
}
