import { PreconditionFailedError, isDuplicateKey } from "@crm/kit";
import { prepareDefinition, type CustomFieldDefinition } from "../domain/custom-fields";
import type { CustomFieldsModel } from "./custom-field.model";

/** Definitions per tenant; a definition is added or changed with a compare-and-set on the version. */
export class CustomFieldRepository {
  constructor(private readonly model: CustomFieldsModel) {}

  async list(tenantId: string): Promise<CustomFieldDefinition[]> {
    const document = await this.model.findOne({ _id: tenantId, tenantId }).lean();
    return (document?.definitions ?? []).map(({ key, label, type, options }) => ({ key, label, type, options: [...options] }));
  }

  async define(tenantId: string, input: CustomFieldDefinition): Promise<CustomFieldDefinition> {
    const document = await this.model.findOne({ _id: tenantId, tenantId }).lean();
    const existing = document?.definitions ?? [];
    const definition = prepareDefinition(input, existing);
    const definitions = [...existing.filter((d) => d.key !== definition.key), definition].sort((a, b) => a.key.localeCompare(b.key));
    const version = document?.version ?? 0;
    try {
      const result = await this.model.updateOne({ _id: tenantId, tenantId, version }, { $set: { definitions, version: version + 1 } }, { upsert: !document });
      if (result.matchedCount === 0 && result.upsertedCount === 0) throw new PreconditionFailedError("custom fields changed meanwhile; try again");
    } catch (error) {
      if (isDuplicateKey(error)) throw new PreconditionFailedError("custom fields changed meanwhile; try again");
      throw error;
    }
    return definition;
  }
}
