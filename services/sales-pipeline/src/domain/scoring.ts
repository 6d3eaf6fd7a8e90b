import { uuidv7 } from "@crm/kit";
import { tidy, Violations } from "./checks";
import type { LeadFields } from "./lead";

export const RULE_TYPES = ["attribute", "behaviour"] as const;
export const RULE_ATTRIBUTES = ["title", "industry", "country", "company_size", "source", "tag"] as const;
export const RULE_MATCHES = ["equals", "contains"] as const;
const INTERACTION_BEHAVIOURS = ["web_visit", "meeting", "call", "email", "message", "note"];
const CAMPAIGN_RESPONSES = ["delivered", "opened", "clicked", "soft_bounced", "hard_bounced", "complained", "unsubscribed"];
export const BEHAVIOURS = [...INTERACTION_BEHAVIOURS, ...CAMPAIGN_RESPONSES.map((response) => `campaign_${response}`)];
const MAX_RULES = 100;
const DAY_MS = 86_400_000;

/** A tenant's rule: points for an attribute of the lead, or for each occurrence of a behaviour, decaying with age. */
export interface ScoringRule {
  id: string;
  description: string;
  type: (typeof RULE_TYPES)[number];
  attribute: string;
  match: string;
  values: string[];
  behaviour: string;
  points: number;
  halfLifeDays: number;
  maxOccurrences: number;
  windowDays: number;
}

/** Something a lead's person did, as consumed from another service's events. */
export interface BehaviourSignal {
  behaviour: string;
  occurredAt: Date;
  /** What it was, for reasons: "opened campaign Spring launch", "meeting: Demo". */
  label: string;
}

/** One rule's part in a score, e.g. +20 "opened campaign Spring launch on 2026-05-01". */
export interface ScoreReason {
  ruleId: string;
  points: number;
  description: string;
  occurredAt?: Date | undefined;
}

export interface Score {
  score: number;
  reasons: ScoreReason[];
  /** Whether any part decays with time: the lead is scored again later even when nothing changes. */
  decays: boolean;
}

/** Checks and completes a tenant's rules (ids for new ones, defaults); every problem at once. */
export function prepareRules(rules: ScoringRule[]): ScoringRule[] {
  const v = new Violations();
  if (rules.length > MAX_RULES) v.add("rules", `takes at most ${MAX_RULES} rules`);
  const ids = new Set<string>();
  const prepared = rules.map((rule, index): ScoringRule => {
    const at = `rules[${index}]`;
    const type = v.oneOf(rule.type, RULE_TYPES, `${at}.type`);
    const id = tidy(rule.id) || uuidv7();
    if (ids.has(id)) v.add(`${at}.id`, "is used by another rule");
    ids.add(id);
    if (!Number.isInteger(rule.points) || Math.abs(rule.points) > 1000) v.add(`${at}.points`, "must be a whole number from -1000 to 1000");
    const base = { id, description: v.text(rule.description, `${at}.description`), type, points: rule.points };
    if (type === "attribute") {
      const values = rule.values.map((value, i) => v.text(value, `${at}.values[${i}]`, 100)).filter(Boolean);
      if (values.length === 0) v.add(`${at}.values`, "needs at least one value");
      return {
        ...base,
        attribute: v.oneOf(rule.attribute, RULE_ATTRIBUTES, `${at}.attribute`),
        match: v.oneOf(rule.match, RULE_MATCHES, `${at}.match`, "equals"),
        values,
        behaviour: "",
        halfLifeDays: 0,
        maxOccurrences: 0,
        windowDays: 0,
      };
    }
    if (!Number.isFinite(rule.halfLifeDays) || rule.halfLifeDays < 0 || rule.halfLifeDays > 3650) v.add(`${at}.halfLifeDays`, "must be from 0 (no decay) to 3650");
    if (!Number.isInteger(rule.maxOccurrences) || rule.maxOccurrences < 0 || rule.maxOccurrences > 100) v.add(`${at}.maxOccurrences`, "must be from 0 (one) to 100");
    if (!Number.isInteger(rule.windowDays) || rule.windowDays < 0 || rule.windowDays > 3650) v.add(`${at}.windowDays`, "must be from 0 (180 days) to 3650");
    return {
      ...base,
      attribute: "",
      match: "",
      values: [],
      behaviour: v.oneOf(rule.behaviour, BEHAVIOURS, `${at}.behaviour`),
      halfLifeDays: rule.halfLifeDays,
      maxOccurrences: rule.maxOccurrences || 1,
      windowDays: rule.windowDays || 180,
    };
  });
  v.throwIfAny();
  return prepared;
}

/** How far back behaviour can count under these rules: signals older than this need not be read. */
export function behaviourHorizon(rules: ScoringRule[], now: Date): Date | undefined {
  const windows = rules.filter((rule) => rule.type === "behaviour").map((rule) => rule.windowDays);
  return windows.length > 0 ? new Date(now.getTime() - Math.max(...windows) * DAY_MS) : undefined;
}

/**
 * The score of a lead by the tenant's rules: points for each attribute rule it meets, and for the
 * latest occurrences of each behaviour within the rule's window, each worth points x 0.5^(age /
 * half life), rounded. Every rule that counted gives a reason saying why.
 */
export function scoreLead(lead: Pick<LeadFields, "person" | "company" | "country" | "source" | "tags">, signals: BehaviourSignal[], rules: ScoringRule[], now: Date): Score {
  const reasons: ScoreReason[] = [];
  let decays = false;
  for (const rule of rules) {
    if (rule.type === "attribute") {
      const matched = attributeMatch(rule, lead);
      if (matched !== undefined && rule.points !== 0) reasons.push({ ruleId: rule.id, points: rule.points, description: `${signed(rule.points)} ${rule.description || describeAttribute(rule, matched)}` });
      continue;
    }
    const since = now.getTime() - rule.windowDays * DAY_MS;
    const occurrences = signals
      .filter((signal) => signal.behaviour === rule.behaviour && signal.occurredAt.getTime() >= since && signal.occurredAt.getTime() <= now.getTime())
      .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime())
      .slice(0, rule.maxOccurrences);
    for (const signal of occurrences) {
      const ageDays = (now.getTime() - signal.occurredAt.getTime()) / DAY_MS;
      const points = rule.halfLifeDays > 0 ? Math.round(rule.points * 0.5 ** (ageDays / rule.halfLifeDays)) : rule.points;
      if (rule.halfLifeDays > 0) decays = true;
      if (points === 0) continue;
      reasons.push({ ruleId: rule.id, points, description: `${signed(points)} ${signal.label} on ${signal.occurredAt.toISOString().slice(0, 10)}`, occurredAt: signal.occurredAt });
    }
  }
  return { score: reasons.reduce((sum, reason) => sum + reason.points, 0), reasons, decays };
}

function attributeMatch(rule: ScoringRule, lead: Pick<LeadFields, "person" | "company" | "country" | "source" | "tags">): string | undefined {
  const candidates: Record<string, string[]> = {
    title: [lead.person.title],
    industry: [lead.company.industry],
    country: [lead.country],
    company_size: [lead.company.size],
    source: [lead.source],
    tag: lead.tags,
  };
  const values = (candidates[rule.attribute] ?? []).filter(Boolean).map((value) => value.toLowerCase());
  for (const wanted of rule.values.map((value) => value.toLowerCase())) {
    const hit = values.find((value) => (rule.match === "contains" ? ` ${value} `.includes(` ${wanted} `) || value.includes(wanted) : value === wanted));
    if (hit !== undefined) return wanted;
  }
  return undefined;
}

function describeAttribute(rule: ScoringRule, matched: string): string {
  const name = rule.attribute.replace("_", " ");
  return rule.match === "contains" ? `${name} contains "${matched}"` : `${name} is ${matched}`;
}

const signed = (points: number) => (points >= 0 ? `+${points}` : `${points}`);

/** The label of an interaction, for reasons: "meeting: Demo" or "web visit". */
export function interactionLabel(kind: string, summary: string): string {
  const name = kind.replace("_", " ");
  return summary ? `${name}: ${summary}` : name;
}

/** The label of a campaign response, for reasons: "opened campaign Spring launch". */
export function campaignLabel(response: string, campaignName: string, campaignId: string): string {
  const verb = response.replace("_", " ");
  return `${verb} campaign ${campaignName || campaignId}`;
}
