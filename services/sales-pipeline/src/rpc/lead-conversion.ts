import { contactsV1 } from "@crm/proto";
import { NotFoundError, PreconditionFailedError, UnavailableError, ValidationError, type Identity, type Logger } from "@crm/kit";
import type { ConversionRequest, ConversionStep, Lead, LeadConversion } from "../domain/lead";
import { firstOpenStage, stageOf } from "../domain/pipeline";
import type { DealRepository } from "../store/deal-repository";
import type { LeadRepository } from "../store/lead-repository";
import type { PipelineRepository } from "../store/pipeline-repository";
import type { ContactsDirectory, Resolved } from "./contacts-directory";

export interface ConversionSettings {
  /** How long an attempt holds the conversion between steps before another may take it over. */
  holdMs: number;
  /** Fault injection for tests: the process dies right after this step is done and recorded. */
  haltAfterStep?: ConversionStep | undefined;
  log: Logger;
}

const WAIT_FOR_OTHER_ATTEMPT_MS = 15_000;

/**
 * Converts a qualified lead, as named steps with a resume point stored on the lead:
 *   organization  find or make the organisation in contacts (or take the one the caller names);
 *   person        find or make the person, linked to it (or take the lead's or the caller's contact);
 *   opportunity   open the deal, when asked for;
 *   completed     the lead is converted and names its records, with lead.converted.
 * Each step is idempotent (contacts' creates and the deal carry keys made from the lead's id), and
 * the resume point moves after each one, so an attempt interrupted anywhere (a crash, a timeout)
 * is finished exactly once by the next attempt or by the recovery sweep, which take it over once
 * the interrupted attempt's hold has run out. A conversion contacts refuses is marked failed, and
 * tried again from where it stopped by the next call.
 */
export class LeadConversions {
  constructor(
    private readonly deps: { leads: LeadRepository; deals: DealRepository; pipelines: PipelineRepository; contacts: ContactsDirectory },
    private readonly settings: ConversionSettings,
  ) {}

  /** Converts the lead, or answers its conversion when it is already done (a repeat). */
  async convert(identity: Identity, leadId: string, request: ConversionRequest): Promise<Lead> {
    const { leads } = this.deps;
    const giveUpAt = Date.now() + WAIT_FOR_OTHER_ATTEMPT_MS;
    for (;;) {
      const lead = await leads.get(identity.tenantId, leadId);
      if (lead.conversion?.state === "completed") return lead;
      if (!lead.conversion) {
        if (lead.status !== "qualified") throw new PreconditionFailedError(`lead ${leadId} is ${lead.status}: only a qualified lead can be converted (qualify it first)`);
        await this.checkOpportunity(identity.tenantId, request);
      }
      const claimed = await leads.claimConversion(identity.tenantId, leadId, request, this.settings.holdMs, new Date());
      if (claimed) return this.run(identity, claimed);
      if (Date.now() > giveUpAt) throw new UnavailableError(`another attempt is converting lead ${leadId}; ask again shortly`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The recovery sweep: conversions whose attempt stopped holding them are finished (as the service, for the lead's tenant). */
  async recover(now: Date, batch: number): Promise<number> {
    const stalled = await this.deps.leads.stalledConversions(now, batch);
    for (const lead of stalled) {
      const identity: Identity = { subject: "service:sales-pipeline", tenantId: lead.tenantId, roles: ["service"], scopes: [] };
      const claimed = await this.deps.leads.claimConversion(lead.tenantId, lead.id, lead.conversion!.request, this.settings.holdMs, now);
      if (!claimed) continue;
      await this.run(identity, claimed).then(
        () => this.settings.log.info({ tenantId: lead.tenantId, leadId: lead.id, resumedAfter: lead.conversion!.step }, "interrupted lead conversion finished by the recovery sweep"),
        (error: unknown) => this.settings.log.warn({ err: error, leadId: lead.id }, "recovery of a lead conversion failed; it is tried again later"),
      );
    }
    return stalled.length;
  }

  private async run(identity: Identity, claimed: Lead): Promise<Lead> {
    let lead = claimed;
    const conversion = () => lead.conversion!;
    const request = conversion().request;
    try {
      if (conversion().step === "none") {
        const found = await this.organizationStep(identity, lead, request);
        lead = await this.record(lead, "organization", found ? { organizationId: found.id, organizationReused: found.reused, notes: [...conversion().notes, found.note] } : {});
      }
      if (conversion().step === "organization") {
        const found = await this.personStep(identity, lead, request);
        lead = await this.record(lead, "person", found ? { contactId: found.id, contactReused: found.reused, notes: [...conversion().notes, found.note] } : {});
      }
      if (conversion().step === "person") {
        const dealId = request.createOpportunity ? await this.opportunityStep(identity, lead, request) : "";
        lead = await this.record(lead, "opportunity", { dealId });
      }
      if (conversion().step === "opportunity") {
        const now = new Date();
        if (!(await this.deps.leads.completeConversion(lead, identity.subject, now))) throw new UnavailableError(`lead ${lead.id}'s conversion was taken over by another attempt`);
      }
    } catch (error) {
      if (error instanceof ValidationError || error instanceof NotFoundError) {
        const message = error instanceof ValidationError ? error.violations.map((v) => `${v.field}: ${v.description}`).join("; ") : error.message;
        await this.deps.leads.failConversion(lead, message, new Date());
        throw new PreconditionFailedError(`lead ${lead.id} could not be converted: ${message}`);
      }
      throw error;
    }
    return this.deps.leads.get(lead.tenantId, lead.id);
  }

  /** Moves the resume point past `step`; the process halts here when a test asks it to. */
  private async record(lead: Lead, step: ConversionStep, found: Partial<LeadConversion>): Promise<Lead> {
    const now = new Date();
    if (!(await this.deps.leads.recordStep(lead, step, found, this.settings.holdMs, now))) {
      throw new UnavailableError(`lead ${lead.id}'s conversion was taken over by another attempt`);
    }
    if (this.settings.haltAfterStep === step) {
      this.settings.log.warn({ leadId: lead.id, step }, "CONVERSION_HALT_AFTER_STEP: the process stops here, as a crash would");
      process.kill(process.pid, "SIGKILL");
    }
    return { ...lead, conversion: { ...lead.conversion!, ...found, step } };
  }

  private async organizationStep(identity: Identity, lead: Lead, request: ConversionRequest): Promise<Resolved | undefined> {
    const { contacts } = this.deps;
    if (request.organizationId) return contacts.existingOrganization(identity, request.organizationId);
    if (!lead.company.name) return undefined;
    const input = contactsV1.OrganizationInput.fromPartial({
      name: lead.company.name,
      domain: lead.company.domain,
      industry: lead.company.industry,
      size: lead.company.size,
      addresses: lead.country ? [{ type: "work", country: lead.country }] : [],
      relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_PROSPECT,
      ownerId: lead.ownerId,
    });
    return contacts.organization(identity, input, `lead-conversion:${lead.id}:organization`);
  }

  private async personStep(identity: Identity, lead: Lead, request: ConversionRequest): Promise<Resolved | undefined> {
    const { contacts } = this.deps;
    if (request.contactId) return contacts.existingPerson(identity, request.contactId, "given by the caller");
    if (lead.contactId) return contacts.existingPerson(identity, lead.contactId, "already named by the lead");
    const { person } = lead;
    if (!person.givenName && !person.familyName && !person.email) return undefined;
    const organizationId = lead.conversion!.organizationId;
    const input = contactsV1.ContactInput.fromPartial({
      givenName: person.givenName,
      familyName: person.familyName,
      title: person.title,
      emails: person.email ? [{ address: person.email, type: "work", primary: true }] : [],
      phones: person.phone ? [{ number: person.phone, type: "work", primary: true }] : [],
      addresses: lead.country ? [{ type: "work", country: lead.country }] : [],
      leadSource: lead.source,
      ownerId: lead.ownerId,
      tags: lead.tags,
      relationshipType: contactsV1.RelationshipType.RELATIONSHIP_TYPE_PROSPECT,
      organizations: organizationId ? [{ organizationId, role: person.title }] : [],
    });
    return contacts.person(identity, input, `lead-conversion:${lead.id}:person`);
  }

  private async opportunityStep(identity: Identity, lead: Lead, request: ConversionRequest): Promise<string> {
    const { deals, pipelines } = this.deps;
    const requestKey = `lead-conversion:${lead.id}:deal`;
    const made = await deals.byRequestKey(lead.tenantId, requestKey);
    if (made) return made.id;
    const pipeline = await pipelines.get(lead.tenantId, request.opportunity.pipelineId);
    const stage = (request.opportunity.stageId && stageOf(pipeline, request.opportunity.stageId)) || firstOpenStage(pipeline);
    const { contactId, organizationId } = lead.conversion!;
    const actor = { tenantId: lead.tenantId, subject: identity.subject };
    const fields = {
      name: request.opportunity.name || lead.company.name || lead.name,
      pipelineId: pipeline.id,
      stageId: stage.id,
      organizationId,
      stakeholders: contactId ? [{ contactId, role: "champion" }] : [],
      amount: request.opportunity.amount ?? { currency: "", minor: 0 },
      expectedCloseDate: request.opportunity.expectedCloseDate,
      ownerId: lead.ownerId,
      competitors: [],
      nextStep: "",
      closeReason: "",
    };
    return (await deals.create(actor, fields, pipeline, stage, requestKey, lead.id)).id;
  }

  /** The opportunity asked for must be possible before anything is made: its pipeline, stage and amount. */
  private async checkOpportunity(tenantId: string, request: ConversionRequest): Promise<void> {
    if (!request.createOpportunity) return;
    const { pipelineId, stageId } = request.opportunity;
    if (!pipelineId) throw ValidationError.field("opportunity.pipelineId", "is required to open a deal");
    const pipeline = await this.deps.pipelines.get(tenantId, pipelineId).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw ValidationError.field("opportunity.pipelineId", `pipeline ${pipelineId} does not exist`);
      throw error;
    });
    if (stageId && stageOf(pipeline, stageId)?.kind !== "open") throw ValidationError.field("opportunity.stageId", `is not an open stage of pipeline ${pipelineId}`);
  }
}
