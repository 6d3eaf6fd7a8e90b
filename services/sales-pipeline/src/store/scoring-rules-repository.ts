import { PreconditionFailedError, type Actor, isDuplicateKey } from "@crm/kit";
import type { ScoringRule } from "../domain/scoring";
import type { ScoringRulesModel } from "./scoring-rules.model";

export interface TenantRules {
  rules: ScoringRule[];
  /** 0 while the tenant has never set any. */
  version: number;
  updatedAt?: Date | undefined;
}

/** The tenant's lead-scoring rules: read for every score, replaced whole at the version read. */
export class ScoringRulesRepository {
  constructor(private readonly model: ScoringRulesModel) {}

  async get(tenantId: string): Promise<TenantRules> {
    const document = await this.model.findOne({ _id: tenantId, tenantId }).lean();
    return document ? { rules: document.rules, version: document.version, updatedAt: document.updatedAt } : { rules: [], version: 0 };
  }

  /** Replaces the rules; FAILED_PRECONDITION when `expectedVersion` is given and is not the stored one. */
  async set(actor: Actor, rules: ScoringRule[], expectedVersion: number | undefined): Promise<TenantRules> {
    const { tenantId } = actor;
    const now = new Date();
    const current = await this.get(tenantId);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new PreconditionFailedError("the scoring rules changed since they were read (etag mismatch); read them again");
    }
    const version = current.version + 1;
    const update = { $set: { rules, version, updatedAt: now, updatedBy: actor.subject } };
    try {
      const written = current.version === 0
        ? await this.model.create({ _id: tenantId, tenantId, rules, version, updatedAt: now, updatedBy: actor.subject }).then(() => true)
        : (await this.model.updateOne({ _id: tenantId, tenantId, version: current.version }, update)).modifiedCount > 0;
      if (!written) throw new PreconditionFailedError("the scoring rules changed meanwhile; read them again");
    } catch (error) {
      if (isDuplicateKey(error)) throw new PreconditionFailedError("the scoring rules changed meanwhile; read them again");
      throw error;
    }
    return { rules, version, updatedAt: now };
  }
}
