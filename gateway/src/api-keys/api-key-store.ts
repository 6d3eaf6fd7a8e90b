import { NotFoundError, uuidv7, type Identity } from "@crm/kit/edge";
import { paginate, type Page } from "@crm/kit/edge-store";
import type { commonV1 } from "@crm/proto";
import type { ApiKeyDocument, ApiKeyModel } from "./api-key.model";
import { newApiKey } from "./api-key-secrets";

export interface NewApiKey {
  name: string;
  scopes: string[];
  expiresAt?: Date | undefined;
  requestsPerMinute?: number | undefined;
}

const LIST_FIELDS = { createdAt: { path: "createdAt", type: "date" as const, sortable: true }, name: { path: "name", type: "string" as const } };
/** How often a key's last use is written, at most: a busy client must not write on every request. */
const LAST_USED_GRANULARITY_MS = 60_000;

/** The only code that reads and writes API keys. */
export class ApiKeyStore {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly model: ApiKeyModel) {}

  /** Stores a new key for the creator's tenant; the key itself is returned once and never stored. */
  async create(creator: Identity, input: NewApiKey, now = new Date()): Promise<{ record: ApiKeyDocument; key: string }> {
    const id = uuidv7(now.getTime());
    const { key, secretHash } = newApiKey(id);
    const record: ApiKeyDocument = {
      _id: id, tenantId: creator.tenantId, name: input.name, secretHash, scopes: input.scopes, createdBy: creator.subject, createdAt: now,
      ...(creator.owners ? { owners: creator.owners } : {}),
      ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      ...(input.requestsPerMinute ? { requestsPerMinute: input.requestsPerMinute } : {}),
    };
    await this.model.create(record);
    return { record, key };
  }

  async get(tenantId: string, id: string): Promise<ApiKeyDocument> {
    const record = await this.model.findOne({ _id: id, tenantId }).lean<ApiKeyDocument>();
    if (!record) throw new NotFoundError(`API key ${id} not found`);
    return record;
  }

  list(tenantId: string, page: commonV1.PageRequest): Promise<Page<ApiKeyDocument>> {
    return paginate<ApiKeyDocument>(this.model, { tenantId }, LIST_FIELDS, { orderBy: [], page, defaultOrder: { field: "createdAt", descending: true } });
  }

  /** Revokes a key for good; revoking it again changes nothing. */
  async revoke(tenantId: string, id: string, now = new Date()): Promise<ApiKeyDocument> {
    await this.model.updateOne({ _id: id, tenantId, revokedAt: { $exists: false } }, { $set: { revokedAt: now } });
    return this.get(tenantId, id);
  }

  /**
   * The key with this id, whatever its tenant: authentication comes before the tenant is known,
   * so it reads the raw collection (as the kit's relay does), past the tenant guard on purpose.
   */
  async findForAuthentication(id: string): Promise<ApiKeyDocument | undefined> {
    return ((await this.model.collection.findOne({ _id: id as never })) as ApiKeyDocument | null) ?? undefined;
  }

  /** Records a use, at most once a minute per key (and per replica); a failed write only loses the time. */
  touch(record: ApiKeyDocument, now = Date.now()): void {
    if (now - (this.lastTouched.get(record._id) ?? 0) < LAST_USED_GRANULARITY_MS) return;
    this.lastTouched.set(record._id, now);
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    void this.model.updateOne({ _id: record._id, tenantId: record.tenantId }, { $set: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
}
