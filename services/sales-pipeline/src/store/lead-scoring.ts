import type { Lead, LeadFields } from "../domain/lead";
import { behaviourHorizon, scoreLead, type Score } from "../domain/scoring";
import type { LeadRepository } from "./lead-repository";
import type { ScoringRulesRepository } from "./scoring-rules-repository";
import type { SignalRepository } from "./signal-repository";

const ATTEMPTS = 5;

/**
 * Scores leads: the tenant's rules over the lead's attributes and its contact's behaviour. A
 * lead is scored on create and update, when behaviour of its contact arrives, when the rules
 * change and as its behaviour decays; each score that changes is written with its history
 * entry and event (LeadRepository).
 */
export class LeadScoring {
  constructor(
    private readonly leads: LeadRepository,
    private readonly rules: ScoringRulesRepository,
    private readonly signals: SignalRepository,
  ) {}

  async score(tenantId: string, fields: Pick<LeadFields, "person" | "company" | "country" | "source" | "tags" | "contactId">, now = new Date()): Promise<Score> {
    const { rules } = await this.rules.get(tenantId);
    const signals = await this.signals.ofContact(tenantId, fields.contactId, behaviourHorizon(rules, now));
    return scoreLead(fields, signals, rules, now);
  }

  /** Scores a lead again and writes the result, re-reading it when it changed meanwhile. */
  async rescore(lead: Lead, cause: string): Promise<void> {
    let current = lead;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = new Date();
      const score = await this.score(current.tenantId, current, now);
      if (score.score === current.score && sameReasons(score, current)) {
        await this.leads.rescored(current, score, now);
        return;
      }
      if (await this.leads.rescore(current, { score, cause }, now)) return;
      current = await this.leads.get(current.tenantId, current.id);
    }
    throw new Error(`lead ${lead.id} kept changing while it was scored`);
  }

  /** Behaviour of these contacts arrived: their leads are scored again. */
  async behaviourOf(tenantId: string, contactIds: string[]): Promise<void> {
    for (const lead of await this.leads.ofContacts(tenantId, contactIds)) await this.rescore(lead, "behaviour");
  }

  /** One pass of the rescoring sweep: leads whose rules changed or whose behaviour decays. Answers how many it saw. */
  async sweep(now: Date, batch: number): Promise<number> {
    const due = await this.leads.dueForRescore(now, batch);
    for (const { lead, cause } of due) await this.rescore(lead, cause);
    return due.length;
  }
}

function sameReasons(score: Score, lead: Lead): boolean {
  const a = score.reasons.map((r) => `${r.ruleId}:${r.points}:${r.description}`).join("|");
  const b = lead.scoreReasons.map((r) => `${r.ruleId}:${r.points}:${r.description}`).join("|");
  return a === b;
}
