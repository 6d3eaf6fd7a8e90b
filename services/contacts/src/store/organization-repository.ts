import { NotFoundError, PreconditionFailedError, TenantRepository, uuidv7, type ListQuery, type Logger, type ModelOutbox, type Page } from "@crm/kit";
import { organizationMatchKeys, rankCandidates, scoreOrganization, STRONG_MATCH, type Candidate } from "../domain/duplicates";
import { ORGANIZATION_LIST_FIELDS } from "../domain/list-fields";
import { organizationDraftOf, type Organization, type OrganizationFields } from "../domain/organization";
import { organizationSearchWords, searchTokens } from "../domain/search";
import { organizationChanged } from "../events/contact-events";
import type { Actor, CreateOptions } from "./actor";
import { duplicatesConflict } from "./duplicate-clashes";
import type { MatchKeyIndex } from "./match-keys";
import type { OrganizationDocument, OrganizationModel } from "./organization.model";
import { changedFields, withoutUndefined } from "./documents";

/** Organisations: the same clean-record and duplicate rules as contacts, keyed by domain and name. */
export class OrganizationRepository extends TenantRepository<OrganizationDocument> {
  constructor(
    model: OrganizationModel,
    private readonly keys: MatchKeyIndex,
    outbox: ModelOutbox,
    private readonly log: Logger,
  ) {
    super(model, outbox);
  }

  async create(actor: Actor, fields: OrganizationFields, options: CreateOptions): Promise<Organization> {
    const { tenantId } = actor;
    const now = new Date();
    const id = uuidv7(now.getTime());
    if (options.requestId) {
      const requestKey = orgKey(`request:${options.requestId}`);
      const first = (await this.keys.claim(tenantId, [requestKey], id)).get(requestKey)?.[0];
      const existing = first ? await this.get(tenantId, first).catch(() => undefined) : undefined;
      if (existing) return existing;
      if (first) await this.keys.add(tenantId, [requestKey], id);
    }
    await this.requireParent(tenantId, fields.parentId, id);
    const keys = organizationMatchKeys(fields);
    const scoped = { identity: keys.identity.map(orgKey), similarity: keys.similarity.map(orgKey) };
    const held = await this.keys.claim(tenantId, scoped.identity, id);
    try {
      const candidates = await this.candidates(tenantId, fields, [...held.values()].flat(), scoped.similarity, id);
      const strong = candidates.filter((c) => c.score >= STRONG_MATCH);
      if (strong.some((c) => c.reasons.includes("same external id")) || (strong.length > 0 && !options.allowDuplicates)) {
        throw duplicatesConflict(`${strong.length} existing organisation(s) look like the same one; create anyway with allowDuplicates`, strong);
      }
      await this.keys.add(tenantId, [...held.keys(), ...scoped.similarity], id);
      const organization: Organization = { ...fields, id, tenantId, createdAt: now, updatedAt: now, version: 1 };
      const document = {
        ...withoutUndefined(fields), _id: id, tenantId, createdAt: now, updatedAt: now, version: 1, createdBy: actor.subject, updatedBy: actor.subject,
        searchTokens: searchTokens(organizationSearchWords(fields)), matchKeys: [...scoped.identity, ...scoped.similarity],
      };
      await this.insertWithEvents([{ document, events: [organizationChanged("created", organization, [], actor.subject)], at: now }]);
      return organization;
    } catch (error) {
      await this.keys.release(tenantId, [...scoped.identity, ...scoped.similarity], id).catch((e: unknown) => this.log.warn({ err: e }, "could not release match keys"));
      throw error;
    }
  }

  async update(actor: Actor, current: Organization, fields: OrganizationFields): Promise<Organization> {
    const { tenantId } = actor;
    await this.requireParent(tenantId, fields.parentId, current.id);
    const stored = await this.model.findOne({ _id: current.id, tenantId }, { matchKeys: 1 }).lean();
    const previousKeys = stored?.matchKeys ?? [];
    const keys = organizationMatchKeys(fields);
    const allKeys = [...keys.identity, ...keys.similarity].map(orgKey);
    const newIdentity = keys.identity.map(orgKey).filter((key) => !previousKeys.includes(key));
    const held = await this.keys.claim(tenantId, newIdentity, current.id);
    const clash = (await this.candidates(tenantId, fields, [...held.values()].flat(), [], current.id)).filter((c) => c.score >= STRONG_MATCH);
    if (clash.length > 0) {
      await this.keys.release(tenantId, newIdentity, current.id);
      throw duplicatesConflict("another organisation already has this domain or external id", clash);
    }
    await this.keys.add(tenantId, allKeys, current.id);
    const updated: Organization = { ...current, ...fields, updatedAt: new Date(), version: current.version + 1 };
    const changed = changedFields(organizationDraftOf(current), fields);
    const update = {
      $set: { ...withoutUndefined(fields), updatedAt: updated.updatedAt, updatedBy: actor.subject, version: updated.version, searchTokens: searchTokens(organizationSearchWords(fields)), matchKeys: allKeys },
      ...(fields.annualRevenue ? {} : { $unset: { annualRevenue: 1 } }),
    };
    const events = [organizationChanged("updated", updated, changed, actor.subject)];
    if (!(await this.updateAtVersion(tenantId, current.id, current.version, update, events, updated.updatedAt))) {
      throw new PreconditionFailedError(`organisation ${current.id} changed since it was read; read it again`);
    }
    await this.keys.release(tenantId, previousKeys.filter((key) => !allKeys.includes(key)), current.id);
    return updated;
  }

  async get(tenantId: string, id: string): Promise<Organization> {
    const document = await this.model.findOne({ _id: id, tenantId }, { outbox: 0, searchTokens: 0, matchKeys: 0 }).lean<OrganizationDocument>();
    if (!document) throw new NotFoundError(`organisation ${id} not found`);
    return toOrganization(document);
  }

  /** The organisation holding a key (e.g. `org:domain:example.com`), if any. */
  async findByKey(tenantId: string, key: string): Promise<Organization | undefined> {
    const ids = (await this.keys.lookup(tenantId, [key])).get(key) ?? [];
    for (const id of ids) {
      const document = await this.model.findOne({ _id: id, tenantId }, { outbox: 0, searchTokens: 0, matchKeys: 0 }).lean<OrganizationDocument>();
      if (document) return toOrganization(document);
    }
    return undefined;
  }

  /** The names of the organisations that exist among ids, in the order of ids (contacts' search tokens). */
  async namesOf(tenantId: string, ids: string[]): Promise<string[]> {
    const names = await this.namesById(tenantId, ids);
    return ids.flatMap((id) => names.get(id) ?? []);
  }

  /** Organisation names by id, for those that exist; one read by primary key. */
  async namesById(tenantId: string, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const documents = await this.model.find({ _id: { $in: ids }, tenantId }, { name: 1 }).lean();
    return new Map(documents.map((document) => [document._id, document.name]));
  }

  async list(tenantId: string, query: ListQuery & { searchTokens: string[] }): Promise<Page<Organization>> {
    const page = await this.page(tenantId, query, {
      fields: ORGANIZATION_LIST_FIELDS,
      defaultOrder: { field: "createdAt", descending: true },
      where: query.searchTokens.length > 0 ? { searchTokens: { $all: query.searchTokens } } : {},
    });
    return { items: page.items.map(toOrganization), pageInfo: page.pageInfo };
  }

  async findDuplicates(tenantId: string, fields: OrganizationFields): Promise<Candidate[]> {
    const keys = organizationMatchKeys(fields);
    const held = await this.keys.lookup(tenantId, keys.identity.map(orgKey));
    return this.candidates(tenantId, fields, [...held.values()].flat(), keys.similarity.map(orgKey), "");
  }

  private async candidates(tenantId: string, fields: OrganizationFields, identityIds: string[], similarityKeys: string[], excludeId: string): Promise<Candidate[]> {
    const similar = await this.keys.lookup(tenantId, similarityKeys);
    const ids = new Set([...identityIds, ...[...similar.values()].flat()]);
    ids.delete(excludeId);
    const found = await Promise.all([...ids].map((id) => this.model.findOne({ _id: id, tenantId }, { name: 1, domain: 1, externalId: 1 }).lean()));
    const stored = found.flatMap((d) => (d ? [{ id: d._id, name: d.name, domain: d.domain, externalId: d.externalId }] : []));
    return rankCandidates(stored.map((other) => scoreOrganization(fields, other)));
  }

  /** A parent must exist and must not be the organisation itself or one of its descendants. */
  private async requireParent(tenantId: string, parentId: string, id: string): Promise<void> {
    const seen = new Set([id]);
    for (let current = parentId; current; ) {
      if (seen.has(current)) throw new PreconditionFailedError("organization.parentId would make the hierarchy a cycle");
      seen.add(current);
      const parent = await this.model.findOne({ _id: current, tenantId }, { parentId: 1 }).lean();
      if (!parent) throw new NotFoundError(`parent organisation ${current} not found`);
      current = parent.parentId;
    }
  }
}

/** Organisation keys live beside contact keys in the match-key index, under their own prefix. */
function orgKey(key: string): string {
  return `org:${key}`;
}

function toOrganization(document: OrganizationDocument): Organization {
  const { _id, outbox: _o, outboxSince: _s, searchTokens: _t, matchKeys: _k, createdBy: _cb, updatedBy: _ub, ...rest } = document;
  return { ...rest, id: _id } as Organization;
}
