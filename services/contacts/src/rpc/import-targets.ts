import { ValidationError, type Actor, type FieldViolation } from "@crm/kit";
import { toDraft, type ContactDraft, type ContactFields } from "../domain/contact";
import { contactDraftFromRow, organizationDraftFromRow, type Row } from "../domain/csv-columns";
import type { CustomFieldDefinition } from "../domain/custom-fields";
import { STRONG_MATCH } from "../domain/duplicates";
import { normaliseDomain, normaliseEmail, normalisePhone } from "../domain/normalise";
import { withoutInvalidOptionalFields } from "../domain/optional-fields";
import { organizationDraftOf, prepareOrganization, type OrganizationDraft } from "../domain/organization";
import { fieldsOf } from "../store/contact-repository";
import { duplicatesConflict } from "../store/duplicate-conflict";
import type { ImportJobDocument, ImportOptions } from "../store/import-job.model";
import type { ContactsDependencies } from "./dependencies";
import type { ImportTarget, PartialRow, RowOutcome } from "./import-runner";

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

  return {
    keyOf,
    async apply(row: Row): Promise<RowOutcome | PartialRow> {
      const { draft, present, violations } = contactDraftFromRow(row, options.defaultPhoneRegion);
      if (violations.length) throw new ValidationError(violations);
      const key = keyOf(row);
      if (!key) throw ValidationError.field(keyColumn, `the natural key (${options.naturalKey}) is empty or invalid`);
      const existing = await deps.writer.findByKey(tenantId, key);
      if (existing && options.onDuplicate === "skip") return "skipped";
      if (existing && options.onDuplicate === "update") {
        const merged = { ...toDraft(fieldsOf(existing)), defaultPhoneRegion: options.defaultPhoneRegion };
        for (const field of present) (merged as Record<string, unknown>)[field] = draft[field];
        const { fields, dropped } = await prepareRow(merged);
        if (options.dryRun) return { outcome: "updated", dropped };
        const updated = await deps.writer.update(actor, existing, fields);
        return { outcome: updated === existing ? "skipped" : "updated", dropped };
      }
      const { fields, dropped } = await prepareRow(draft);
      const allowDuplicates = options.onDuplicate === "create";
      if (options.dryRun) {
        const strong = (await deps.writer.findDuplicates(tenantId, fields)).filter((c) => c.score >= STRONG_MATCH);
        const refused = strong.filter((c) => !allowDuplicates || c.reasons.includes("same external id"));
        if (refused.length) throw duplicatesConflict(`would duplicate ${refused.map((c) => c.id).join(", ")}`, refused);
        return { outcome: "created", dropped };
      }
      await deps.writer.create(actor, fields, { allowDuplicates });
      return { outcome: "created", dropped };
    },
  };
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
  return {
    keyOf,
    async apply(row: Row): Promise<RowOutcome> {
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
