import { ValidationError, type FieldViolation } from "@crm/kit";
import { requireCurrency, requireMinorUnits, type Money } from "./money";

export const BEHAVIOUR_KINDS = ["purchased_product", "lifetime_value_over", "open_deal_in_stage", "tickets_over", "responded_to_campaign"] as const;
export type BehaviourKind = (typeof BEHAVIOUR_KINDS)[number];

/**
 * One condition on what a contact did, answered from what this service keeps of other services'
 * events (orders, deals, tickets) and from its own responses.
 */
export type BehaviourCondition =
  | { kind: "purchased_product"; sku: string; negate: boolean }
  | { kind: "lifetime_value_over"; amount: Money; negate: boolean }
  | { kind: "open_deal_in_stage"; stageId: string; negate: boolean }
  | { kind: "tickets_over"; count: number; withinDays: number; negate: boolean }
  | { kind: "responded_to_campaign"; campaignId: string; negate: boolean };

/** A condition as a client writes it: every field, most of them empty. */
export interface BehaviourConditionDraft {
  kind: string;
  sku: string;
  amount?: { currencyCode: string; amountMinor: string } | undefined;
  stageId: string;
  count: number;
  withinDays: number;
  campaignId: string;
  negate: boolean;
}

const MAX_CONDITIONS = 10;

/** Checks each condition for the fields its kind needs; every problem is reported at once. */
export function prepareBehaviour(drafts: BehaviourConditionDraft[], path = "segment.behaviour"): BehaviourCondition[] {
  if (drafts.length > MAX_CONDITIONS) throw ValidationError.field(path, `takes at most ${MAX_CONDITIONS} conditions`);
  const violations: FieldViolation[] = [];
  const conditions: BehaviourCondition[] = [];
  drafts.forEach((draft, index) => {
    const at = `${path}[${index}]`;
    try {
      conditions.push(prepareCondition(draft, at));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      violations.push(...error.violations);
    }
  });
  if (violations.length > 0) throw new ValidationError(violations);
  return conditions;
}

function prepareCondition(draft: BehaviourConditionDraft, at: string): BehaviourCondition {
  const negate = draft.negate;
  const text = (value: string, field: string, max = 100) => {
    const trimmed = value.trim();
    if (!trimmed) throw ValidationError.field(`${at}.${field}`, `is required for ${draft.kind}`);
    if (trimmed.length > max) throw ValidationError.field(`${at}.${field}`, `must be at most ${max} characters`);
    return trimmed;
  };
  switch (draft.kind) {
    case "purchased_product":
      return { kind: draft.kind, sku: text(draft.sku, "sku"), negate };
    case "lifetime_value_over": {
      if (!draft.amount) throw ValidationError.field(`${at}.amount`, "is required for lifetime_value_over");
      const currency = requireCurrency(draft.amount.currencyCode, `${at}.amount.currencyCode`);
      return { kind: draft.kind, amount: { currency, amountMinor: requireMinorUnits(draft.amount.amountMinor, `${at}.amount.amountMinor`) }, negate };
    }
    case "open_deal_in_stage":
      return { kind: draft.kind, stageId: text(draft.stageId, "stageId"), negate };
    case "tickets_over":
      if (!Number.isInteger(draft.count) || draft.count < 0) throw ValidationError.field(`${at}.count`, "must be a whole number, 0 or more");
      if (!Number.isInteger(draft.withinDays) || draft.withinDays < 0 || draft.withinDays > 3650) throw ValidationError.field(`${at}.withinDays`, "must be 0 (ever) to 3650 days");
      return { kind: draft.kind, count: draft.count, withinDays: draft.withinDays, negate };
    case "responded_to_campaign":
      return { kind: draft.kind, campaignId: text(draft.campaignId, "campaignId"), negate };
    default:
      throw ValidationError.field(`${at}.kind`, `must be one of ${BEHAVIOUR_KINDS.join(", ")}`);
  }
}

/** What this service knows of one contact's behaviour, as far as the conditions asked need it. */
export interface BehaviourFacts {
  /** SKUs bought in orders not cancelled or refunded. */
  skus: ReadonlySet<string>;
  /** Lifetime value by currency, in minor units. */
  lifetimeValue: ReadonlyMap<string, number>;
  /** Stages of the contact's open deals. */
  openDealStages: ReadonlySet<string>;
  /** When each of its tickets was opened. */
  ticketsOpenedAt: readonly Date[];
  /** Campaigns the contact responded to (opened or clicked). */
  respondedCampaigns: ReadonlySet<string>;
}

export const NO_BEHAVIOUR: BehaviourFacts = { skus: new Set(), lifetimeValue: new Map(), openDealStages: new Set(), ticketsOpenedAt: [], respondedCampaigns: new Set() };

/** Whether a contact meets every condition (each possibly negated). */
export function meetsBehaviour(conditions: readonly BehaviourCondition[], facts: BehaviourFacts, now: Date): boolean {
  return conditions.every((condition) => holds(condition, facts, now) !== condition.negate);
}

function holds(condition: BehaviourCondition, facts: BehaviourFacts, now: Date): boolean {
  switch (condition.kind) {
    case "purchased_product":
      return facts.skus.has(condition.sku);
    case "lifetime_value_over":
      return (facts.lifetimeValue.get(condition.amount.currency) ?? 0) > condition.amount.amountMinor;
    case "open_deal_in_stage":
      return facts.openDealStages.has(condition.stageId);
    case "tickets_over": {
      const since = condition.withinDays > 0 ? now.getTime() - condition.withinDays * 86_400_000 : -Infinity;
      return facts.ticketsOpenedAt.filter((at) => at.getTime() >= since).length > condition.count;
    }
    case "responded_to_campaign":
      return facts.respondedCampaigns.has(condition.campaignId);
  }
}
