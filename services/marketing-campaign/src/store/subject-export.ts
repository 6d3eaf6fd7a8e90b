import type { SubjectExport, SubjectExportRequest } from "@crm/kit";
import type { AddressStates } from "./address-states";
import type { MessageRepository } from "./message-repository";

/** This service's part of a data-subject access export: every message sent to the subject, its responses, and what bounces did to its addresses. */
export class SubjectExporter {
  constructor(private readonly stores: { messages: MessageRepository; addresses: AddressStates }) {}

  async export(request: SubjectExportRequest): Promise<SubjectExport> {
    const messages = await this.stores.messages.ofContacts(request.tenantId, request.contactId ? [request.contactId] : []);
    const addressStates = [];
    for (const address of request.emails.map((email) => email.trim().toLowerCase())) {
      const state = await this.stores.addresses.get(request.tenantId, "email", address);
      if (state) addressStates.push({ address, softBounces: state.softBounces.map((bounce) => bounce.at), suppressedAt: state.suppressedAt, suppressedFor: state.suppressedFor });
    }
    return {
      data: {
        messages: messages.map((message) => ({
          messageId: message._id, campaignId: message.campaignId, campaignName: message.campaignName, channel: message.channel, variant: message.variant,
          address: message.address, sentAt: message.sentAt, responses: message.responses,
        })),
        bounces: addressStates,
      },
      records: messages.length + addressStates.length,
    };
  }
}
