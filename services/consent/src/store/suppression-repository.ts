import { NotFoundError, listFilter, paginate, uuidv7, type Actor, type ListQuery, type Page, isDuplicateKey } from "@crm/kit";
import { DEFAULT_SUPPRESSION_ORDER, SUPPRESSION_LIST_FIELDS } from "../domain/list-fields";
import type { SuppressionFields } from "../domain/suppression";
import type { SuppressionDocument, SuppressionModel } from "./suppression.model";

/** The only code that reads and writes the suppression list. */
export class SuppressionRepository {
  constructor(private readonly model: SuppressionModel) {}

  /** Adds an address; one already on the list answers its entry (whoever added it). */
  async add(actor: Actor, fields: SuppressionFields): Promise<{ suppression: SuppressionDocument; added: boolean }> {
    const now = new Date();
    const suppression: SuppressionDocument = { ...fields, _id: uuidv7(now.getTime()), tenantId: actor.tenantId, createdBy: actor.subject, createdAt: now };
    try {
      await this.model.create(suppression);
      return { suppression, added: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const existing = await this.model.findOne({ tenantId: actor.tenantId, addressHash: fields.addressHash }).lean<SuppressionDocument>();
      if (!existing) throw error;
      return { suppression: existing, added: false };
    }
  }

  async get(tenantId: string, id: string): Promise<SuppressionDocument> {
    const suppression = await this.model.findOne({ tenantId, _id: id }).lean<SuppressionDocument>();
    if (!suppression) throw new NotFoundError(`suppression ${id} not found`);
    return suppression;
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<SuppressionDocument>> {
    return paginate<SuppressionDocument>(this.model, listFilter(tenantId, query.filter, SUPPRESSION_LIST_FIELDS), SUPPRESSION_LIST_FIELDS, {
      orderBy: query.orderBy,
      page: query.page,
      defaultOrder: DEFAULT_SUPPRESSION_ORDER,
    });
  }

  async remove(tenantId: string, id: string): Promise<void> {
    if ((await this.model.deleteOne({ tenantId, _id: id })).deletedCount === 0) throw new NotFoundError(`suppression ${id} not found`);
  }

  /** Every suppressed hash of the tenant: what checks compare with (the list is loaded whole into Redis). */
  async hashes(tenantId: string): Promise<string[]> {
    return (await this.model.find({ tenantId }, { addressHash: 1 }).lean()).map((document) => document.addressHash);
  }

  async withHashes(tenantId: string, hashes: string[]): Promise<SuppressionDocument[]> {
    return hashes.length === 0 ? [] : this.model.find({ tenantId, addressHash: { $in: hashes } }).lean<SuppressionDocument[]>();
  }

  /** Removes the addresses of these hashes, keeping the hashes, which go on suppressing (an erasure); returns how many. */
  async forgetAddresses(tenantId: string, hashes: string[], requestId: string): Promise<number> {
    if (hashes.length === 0) return 0;
    const result = await this.model.updateMany({ tenantId, addressHash: { $in: hashes }, address: { $ne: "" } }, { $set: { address: "", erasedBy: requestId } });
    return result.modifiedCount;
  }
}
