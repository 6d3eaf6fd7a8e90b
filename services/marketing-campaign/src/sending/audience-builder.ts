import type { Identity, Logger } from "@crm/kit";
import { assignVariant, consentExclusion, messageIdOf, screenContact, type ExclusionReason } from "../domain/audience";
import { fieldsUsed, type Campaign } from "../domain/campaign";
import type { Segment } from "../domain/segment";
import type { ConsentClient } from "../clients/consent-client";
import type { AddressStates } from "../store/address-states";
import type { CampaignRepository } from "../store/campaign-repository";
import type { NewRecipient, RecipientRepository } from "../store/recipient-repository";
import type { SegmentMembers } from "./segment-members";

export interface AudienceBuilderDeps {
  members: SegmentMembers;
  consent: ConsentClient;
  addresses: AddressStates;
  recipients: RecipientRepository;
  campaigns: CampaignRepository;
  log: Logger;
}

/**
 * Snapshots a campaign's audience at send time, batch by batch: the segment's members streamed
 * from contacts, then everyone without an address on the channel, with a do-not flag, whose
 * address hard-bounced here, or whom the consent service refuses (no valid consent for the
 * purpose and channel, or suppressed) is stored as excluded with its reason; the others as
 * pending, with their variant and the personalisation values the campaign uses. After each batch
 * the last contact id is recorded: a build cut short by a crash resumes there, and a batch stored
 * twice adds nothing (recipients are keyed by message id).
 */
export class AudienceBuilder {
  constructor(private readonly deps: AudienceBuilderDeps) {}

  async build(campaign: Campaign, segment: Segment, afterId: string, owner: string, identity: Identity): Promise<void> {
    const { members, recipients, campaigns } = this.deps;
    const used = fieldsUsed(campaign);
    for await (const batch of members.batches(identity, segment, afterId)) {
      const screened = await this.screen(campaign, batch.members, identity);
      await recipients.addSnapshot(
        batch.members.map((contact, index): NewRecipient => {
          const outcome = screened[index]!;
          const base = { _id: messageIdOf(campaign.tenantId, campaign.id, contact.id), tenantId: campaign.tenantId, campaignId: campaign.id, contactId: contact.id };
          if ("reason" in outcome) return { ...base, status: "excluded", reason: outcome.reason, variant: assignVariant(campaign.id, contact.id, campaign.variants), address: "", values: {} };
          const values = Object.fromEntries(used.map((field) => [field, contact.values[field] ?? ""]));
          return { ...base, status: "pending", variant: assignVariant(campaign.id, contact.id, campaign.variants), address: outcome.address, values };
        }),
      );
      await campaigns.recordAudienceProgress(campaign, owner, batch.lastId);
    }
  }

  /** Each member's address, or why it is excluded: the contact's own checks, local bounces, then one consent check for the batch. */
  private async screen(campaign: Campaign, contacts: Parameters<typeof screenContact>[0][], identity: Identity): Promise<Array<{ address: string } | { reason: ExclusionReason }>> {
    const outcomes = contacts.map((contact) => screenContact(contact, campaign.channel));
    const addresses = outcomes.flatMap((outcome) => ("address" in outcome ? [outcome.address] : []));
    const bounced = await this.deps.addresses.bounced(campaign.tenantId, campaign.channel, addresses);
    const toCheck: number[] = [];
    outcomes.forEach((outcome, index) => {
      if (!("address" in outcome)) return;
      if (bounced.has(outcome.address)) outcomes[index] = { reason: "hard_bounced" };
      else toCheck.push(index);
    });
    const answers = await this.deps.consent.check(
      identity,
      campaign.purposeId,
      campaign.channel,
      toCheck.map((index) => ({ subjectId: contacts[index]!.id, address: (outcomes[index] as { address: string }).address })),
    );
    answers.forEach((answer, position) => {
      const reason = answer.allowed ? undefined : consentExclusion(answer.reason) ?? "no_consent";
      if (reason) outcomes[toCheck[position]!] = { reason };
    });
    return outcomes;
  }
}
