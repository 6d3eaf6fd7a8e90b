import type { Actor, ErasureCounts, ErasureRequest } from "@crm/kit";
import { eraseFromInteraction, eraseFromTask, erasureSubject, namesOfSubject, subjectSearchWords, type ErasureSubject } from "../domain/erasure";
import type { Interaction } from "../domain/interaction";
import type { ContactFates } from "./contact-fates";
import type { InteractionRepository } from "./interaction-repository";
import type { TaskRepository } from "./task-repository";
import type { TimelineRepository } from "./timeline-repository";

export interface SubjectErasureStores {
  interactions: InteractionRepository;
  tasks: TaskRepository;
  timeline: TimelineRepository;
  fates: ContactFates;
}

/**
 * This service's part of the erasure saga (the kit's ErasureSaga keeps the receipt and confirms),
 * also run for each contact record the contacts service reports erased. In this order:
 *  1. the subject's contacts (it and those merged into it) are recorded as erased, so that from
 *     then on nothing links or shows them, including events that arrive late or are replayed;
 *  2. every timeline entry that names the subject goes (before the interactions change, whose
 *     new versions then come back onto the timelines of the others they concern);
 *  3. interactions that concern only the subject are erased, those shared with others lose the
 *     subject (its link, attendance, addresses, handle) and every mention of it in their text
 *     (e-mails, phones, and the names it attended meetings under), and so do interactions that
 *     merely mention its e-mail addresses or phones;
 *  4. tasks lose their links to the subject and its mentions.
 * Counts: erased = interactions erased and timeline entries removed; anonymised = interactions
 * and tasks anonymised. Safe to run again: what is done is not found twice.
 */
export class SubjectErasure {
  private readonly actor = (tenantId: string): Actor => ({ tenantId, subject: "service:interactions" });

  constructor(private readonly stores: SubjectErasureStores) {}

  async erase(request: ErasureRequest): Promise<ErasureCounts & { recordIds: string[] }> {
    const contactIds = request.contactId ? await this.stores.fates.withMergedInto(request.tenantId, request.contactId) : [];
    return this.eraseSubject(request.tenantId, erasureSubject(contactIds, request.emails, request.phones));
  }

  /** A contact record erased by the contacts service (one the request found by e-mail, say). */
  async eraseContact(tenantId: string, contactId: string): Promise<ErasureCounts> {
    return this.eraseSubject(tenantId, erasureSubject(await this.stores.fates.withMergedInto(tenantId, contactId), [], []));
  }

  private async eraseSubject(tenantId: string, identified: ErasureSubject): Promise<ErasureCounts & { recordIds: string[] }> {
    const { interactions, tasks, timeline, fates } = this.stores;
    const contactIds = [...identified.contactIds];
    await fates.recordErased(tenantId, contactIds);
    const counts = { erased: await timeline.removeNaming(tenantId, contactIds), anonymised: 0 };
    const recordIds: string[] = [];

    const candidates = uniqueById([...(await interactions.linkedTo(tenantId, contactIds)), ...(await interactions.mentioning(tenantId, subjectSearchWords(identified)))]);
    const subject = erasureSubject(contactIds, identified.emails, identified.phones, namesOfSubject(candidates, identified));
    for (const interaction of candidates) {
      const result = eraseFromInteraction(interaction, subject);
      if (result.outcome === "untouched") continue;
      if (result.outcome === "erase") await interactions.erase(interaction);
      else await interactions.update(this.actor(tenantId), interaction, result.fields, ["contactIds", "subject", "body", "details"]);
      counts[result.outcome === "erase" ? "erased" : "anonymised"]++;
      recordIds.push(interaction.id);
    }

    for (const task of await tasks.linkedToOrMentioning(tenantId, contactIds, [...subject.emails, ...subject.names])) {
      const result = eraseFromTask(task, subject);
      if (result.outcome !== "anonymise") continue;
      await tasks.anonymise(task, result.fields);
      counts.anonymised++;
      recordIds.push(task.id);
    }
    return { ...counts, recordIds };
  }
}

function uniqueById(interactions: Interaction[]): Interaction[] {
  return [...new Map(interactions.map((interaction) => [interaction.id, interaction])).values()];
}
