import type { Logger } from "@crm/kit";
import { mergeStep } from "../domain/merge";
import type { ConsentRecorder } from "./consent-recorder";
import type { ConsentStateDocument } from "./consent-state.model";
import type { ConsentStateRepository } from "./consent-state-repository";
import type { NewEntry } from "./ledger-repository";

export interface ContactMerge {
  survivorId: string;
  mergedId: string;
  mergeId: string;
}

/**
 * contact.merged: the merged contact's consents follow the survivor (domain/merge.ts), each step
 * written to the ledger with its reason. Keyed by the merge, so that handling it twice appends nothing.
 */
export class ConsentMerges {
  constructor(
    private readonly states: ConsentStateRepository,
    private readonly recorder: ConsentRecorder,
    private readonly log: Logger,
  ) {}

  async merged(tenantId: string, merge: ContactMerge, at: Date): Promise<number> {
    const survivor = new Map((await this.states.ofSubject(tenantId, merge.survivorId)).map((state) => [stateKey(state), state]));
    const entries: NewEntry[] = [];
    for (const merged of await this.states.ofSubject(tenantId, merge.mergedId)) {
      const current = survivor.get(stateKey(merged));
      const step = mergeStep(current?.status, merged.status, merge.mergedId);
      if (!step) continue;
      // The act the entry carries: the merged contact's, unless the survivor's own withdrawal stands.
      const source = step.status === merged.status ? merged : current!;
      entries.push({
        kind: "consent",
        purposeId: merged.purposeId,
        channel: merged.channel,
        action: step.status === "granted" ? "grant" : "withdraw",
        source: "merge",
        noticeVersion: source.noticeVersion,
        recordedBy: "service:consent",
        occurredAt: source.changedAt,
        recordedAt: at,
        expiresAt: step.status === "granted" ? source.expiresAt : undefined,
        note: step.note,
        subjectPseudonym: "",
        personal: { subjectId: merge.survivorId, ipAddress: "", userAgent: "" },
        requestKey: `merge:${merge.mergeId}:${merged.purposeId}:${merged.channel}`,
        announce: current?.status !== step.status,
      });
    }
    if (entries.length > 0) await this.recorder.append(tenantId, entries);
    this.log.info({ tenantId, mergeId: merge.mergeId, entries: entries.length }, "consents of a merged contact moved to its survivor");
    return entries.length;
  }
}

const stateKey = (state: Pick<ConsentStateDocument, "purposeId" | "channel">) => `${state.purposeId}:${state.channel}`;
