import type { RecordAudit } from "@crm/kit";
import { tagsOf, tidy, Violations } from "./checks";
import type { ScoreReason } from "./scoring";

export const LEAD_STATUSES = ["new", "contacted", "qualified", "disqualified", "converted"] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const LEAD_SOURCES = ["web_form", "referral", "event", "campaign", "import", "partner", "other"] as const;
export const COMPANY_SIZES = ["1-10", "11-50", "51-200", "201-1000", "1001-5000", "5001+"] as const;

export interface LeadPerson {
  givenName: string;
  familyName: string;
  email: string;
  phone: string;
  title: string;
}

export interface LeadCompany {
  name: string;
  domain: string;
  industry: string;
  size: string;
}

/** What a client writes. */
export interface LeadDraft {
  name: string;
  person: LeadPerson;
  company: LeadCompany;
  country: string;
  source: string;
  sourceDetail: string;
  status: string;
  ownerId: string;
  tags: string[];
  contactId: string;
  disqualifyReason: string;
}

/** The fields of a lead, validated and standardised. */
export interface LeadFields extends LeadDraft {
  status: LeadStatus;
}

/** Where a conversion stands: the resume point (`step`, the last step done) and what the steps found or made. */
export interface LeadConversion {
  state: "in_progress" | "completed" | "failed";
  step: ConversionStep;
  organizationId: string;
  organizationReused: boolean;
  contactId: string;
  contactReused: boolean;
  dealId: string;
  notes: string[];
  startedAt: Date;
  completedAt?: Date | undefined;
  error: string;
  /** What the caller asked for, so that a resumed conversion does the same. */
  request: ConversionRequest;
  /** Until when the attempt that holds it may work on it undisturbed; a sweep resumes it after. */
  heldUntil: Date;
}

export const CONVERSION_STEPS = ["none", "organization", "person", "opportunity", "completed"] as const;
export type ConversionStep = (typeof CONVERSION_STEPS)[number];

export interface ConversionRequest {
  createOpportunity: boolean;
  opportunity: { name: string; pipelineId: string; stageId: string; amount?: { currency: string; minor: number } | undefined; expectedCloseDate: string };
  organizationId: string;
  contactId: string;
}

/** A lead as stored: its fields, its score, its conversion, its tenant and audit. */
export interface Lead extends LeadFields, RecordAudit {
  id: string;
  tenantId: string;
  score: number;
  scoreReasons: ScoreReason[];
  scoredAt?: Date | undefined;
  organizationId: string;
  dealId: string;
  conversion?: LeadConversion | undefined;
  /** Its personal fields were erased (erasure saga). */
  erased?: boolean | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The rules every create and update follows: something to call the lead by (a name, a person or
 * a company), known status and source, e-mail and country in their standard forms. A lead
 * becomes converted only by converting it. Every problem is reported at once.
 */
export function prepareLead(draft: LeadDraft, current?: { status: LeadStatus }): LeadFields {
  const v = new Violations();
  const person: LeadPerson = {
    givenName: v.text(draft.person.givenName, "lead.person.givenName", 100),
    familyName: v.text(draft.person.familyName, "lead.person.familyName", 100),
    email: v.text(draft.person.email, "lead.person.email", 254).toLowerCase(),
    phone: v.text(draft.person.phone, "lead.person.phone", 40),
    title: v.text(draft.person.title, "lead.person.title", 150),
  };
  if (person.email && !EMAIL.test(person.email)) v.add("lead.person.email", `"${draft.person.email}" is not an e-mail address`);
  if (person.phone && !/^\+?[\d\s().-]{5,}$/.test(person.phone)) v.add("lead.person.phone", `"${draft.person.phone}" is not a phone number`);
  const company: LeadCompany = {
    name: v.text(draft.company.name, "lead.company.name"),
    domain: v.text(draft.company.domain, "lead.company.domain", 253).toLowerCase().replace(/^https?:\/\//, "").replace(/^www\./, "").replace(/\/.*$/, ""),
    industry: v.text(draft.company.industry, "lead.company.industry", 100),
    size: v.text(draft.company.size, "lead.company.size", 20),
  };
  if (company.size && !(COMPANY_SIZES as readonly string[]).includes(company.size)) v.add("lead.company.size", `must be one of: ${COMPANY_SIZES.join(", ")}`);
  const personName = tidy(`${person.givenName} ${person.familyName}`);
  const name = v.text(draft.name, "lead.name") || personName || person.email || company.name;
  if (!name) v.add("lead.name", "is required (or a person's name or e-mail, or a company name)");
  const country = v.text(draft.country, "lead.country", 100).toUpperCase();
  if (country && !/^[A-Z]{2}$/.test(country)) v.add("lead.country", "must be an ISO 3166-1 alpha-2 code");
  const status = v.oneOf(draft.status, LEAD_STATUSES, "lead.status", current?.status ?? "new");
  if (status === "converted" && current?.status !== "converted") v.add("lead.status", "becomes converted by converting the lead (ConvertLead), not by setting it");
  const fields: LeadFields = {
    name,
    person,
    company,
    country,
    source: v.oneOf(draft.source, LEAD_SOURCES, "lead.source", "other"),
    sourceDetail: v.text(draft.sourceDetail, "lead.sourceDetail"),
    status,
    ownerId: v.text(draft.ownerId, "lead.ownerId", 100),
    tags: tagsOf(draft.tags, v, "lead.tags"),
    contactId: v.id(draft.contactId, "lead.contactId"),
    disqualifyReason: v.text(draft.disqualifyReason, "lead.disqualifyReason", 500),
  };
  v.throwIfAny();
  return fields;
}

/** The draft of a stored lead, for updates that change some of its fields. */
export function draftOf(lead: Lead): LeadDraft {
  const { name, person, company, country, source, sourceDetail, status, ownerId, tags, contactId, disqualifyReason } = lead;
  return { name, person, company, country, source, sourceDetail, status, ownerId, tags, contactId, disqualifyReason };
}

/** The lead's fields once its personal data is erased: the person and the name go, the company stays. */
export function erasedLeadFields(lead: Lead): LeadFields {
  return {
    ...draftOf(lead),
    name: lead.company.name || "Erased lead",
    person: { givenName: "", familyName: "", email: "", phone: "", title: "" },
    contactId: "",
  } as LeadFields;
}
