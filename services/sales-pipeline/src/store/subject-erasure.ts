import type { ErasureCounts, ErasureRequest, SubjectExport, SubjectExportRequest } from "@crm/kit";
import { erasedLeadFields } from "../domain/lead";
import type { CustomerValues } from "./customer-values";
import type { DealRepository } from "./deal-repository";
import type { LeadRepository } from "./lead-repository";
import type { OrderRepository } from "./order-repository";
import type { SignalRepository } from "./signal-repository";

export interface SubjectStores {
  leads: LeadRepository;
  deals: DealRepository;
  orders: OrderRepository;
  signals: SignalRepository;
  customerValues: CustomerValues;
}

/**
 * This service's part of the erasure saga (the kit's ErasureSaga keeps the receipt and confirms).
 * The subject's leads (by contact or e-mail) lose their personal fields; its orders keep their
 * amounts with an anonymous buyer; deals lose it as a stakeholder; its behaviour and customer
 * value go. Counts: erased = leads erased, behaviour and value records removed; anonymised =
 * orders and deals. Safe to run again: what is done is not found twice.
 */
export class SubjectErasure {
  constructor(private readonly stores: SubjectStores) {}

  async erase(request: ErasureRequest): Promise<ErasureCounts & { recordIds: string[] }> {
    const { leads, deals, orders, signals, customerValues } = this.stores;
    const { tenantId } = request;
    const contactIds = request.contactId ? [request.contactId] : [];
    const found = (await leads.ofSubject(tenantId, contactIds, request.emails)).filter((lead) => !lead.erased);
    const now = new Date();
    for (const lead of found) await leads.erase(lead, erasedLeadFields(lead), now);
    const removed = (await signals.eraseContact(tenantId, contactIds)) + (await customerValues.eraseContacts(tenantId, contactIds));
    const anonymised = (await orders.anonymiseBuyer(tenantId, contactIds)) + (await deals.removeStakeholders(tenantId, contactIds));
    return { erased: found.length + removed, anonymised, recordIds: found.map((lead) => lead.id) };
  }

  /** The subject's part of an access export: its leads, its orders, its stakes in deals and its value. */
  async export(request: SubjectExportRequest): Promise<SubjectExport> {
    const { leads, deals, orders, customerValues } = this.stores;
    const { tenantId } = request;
    const contactIds = request.contactId ? [request.contactId] : [];
    const subjectLeads = (await leads.ofSubject(tenantId, contactIds, request.emails)).filter((lead) => !lead.erased);
    const [subjectOrders, stakes, value] = request.contactId
      ? await Promise.all([orders.recentOf(tenantId, "contact", request.contactId, 1000), deals.ofContact(tenantId, request.contactId), customerValues.of(tenantId, "contact", request.contactId)])
      : [{ orders: [], total: 0 }, [], { values: [], products: [] }];
    const data = {
      leads: subjectLeads.map(({ id, name, person, company, country, source, status, score, createdAt }) => ({ id, name, person, company, country, source, status, score, createdAt })),
      orders: subjectOrders.orders.map(({ id, status, currency, totalMinor, placedAt, lines }) => ({ id, status, currency, totalMinor, placedAt, lines: lines.map(({ sku, name, quantity }) => ({ sku, name, quantity })) })),
      deals: stakes.map((deal) => ({ id: deal.id, name: deal.name, role: deal.stakeholders.find((s) => s.contactId === request.contactId)?.role ?? "" })),
      customerValue: value,
    };
    return { data, records: subjectLeads.length + subjectOrders.orders.length + stakes.length };
  }
}
