import { chooseCandidates, contactMatchKeys, keysToFile } from "../../src/domain/blocking";
import { STRONG_MATCH, type Candidate } from "../../src/domain/duplicates";
import { scoreContact } from "../../src/domain/person-match";
import type { GeneratedPerson } from "./person-generator";

export interface Evaluation {
  records: number;
  truePairs: number;
  /** True pairs that blocking put together at all: the most that scoring can find. */
  blockedTruePairs: number;
  comparisons: number;
  predictedPairs: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** Examples of missed and false pairs, for reading. */
  missed: Array<[GeneratedPerson, GeneratedPerson, Candidate | undefined]>;
  falseMatches: Array<[GeneratedPerson, GeneratedPerson, Candidate]>;
}

/**
 * Runs the service's own blocking and scoring over the records, as find-duplicates does for each
 * stored record: the match-key index is built in memory from the same keys, candidates are chosen
 * and scored by the same functions. A pair counts as predicted when the first of its records to be
 * checked finds the other at or above the threshold; precision, recall and F1 are over all pairs.
 */
export function evaluate(records: GeneratedPerson[], threshold = STRONG_MATCH): Evaluation {
  const byId = new Map(records.map((r) => [r.id, r]));
  const keysOf = new Map<string, string[]>();
  const index = new Map<string, string[]>();
  for (const record of records) {
    const keys = contactMatchKeys(record);
    const all = [...keys.identity, ...keys.similarity];
    keysOf.set(record.id, all);
    // Filed as the service files a new record: broad keys stop growing past MAX_HOLDERS_FILED.
    const counts = new Map(all.map((key) => [key, (index.get(key)?.length ?? 0) + 1]));
    for (const key of [...keys.identity, ...keysToFile(keys.similarity, counts)]) {
      const holders = index.get(key);
      if (holders) holders.push(record.id);
      else index.set(key, [record.id]);
    }
  }

  const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const blocked = new Set<string>();
  const scores = new Map<string, Candidate>();
  let comparisons = 0;
  for (const subject of records) {
    const selection = chooseCandidates(keysOf.get(subject.id)!, index, subject.id);
    for (const id of selection.ids) {
      const key = pairKey(subject.id, id);
      // Blocking is symmetric and so is scoring but for the subject's name frequencies: each pair is scored once.
      if (blocked.has(key)) continue;
      blocked.add(key);
      comparisons++;
      scores.set(key, scoreContact(subject, byId.get(id)!, (k) => selection.counts.get(k) ?? 1));
    }
  }

  const entities = new Map<number, GeneratedPerson[]>();
  for (const record of records) {
    const group = entities.get(record.entity);
    if (group) group.push(record);
    else entities.set(record.entity, [record]);
  }
  const truePairs: Array<[GeneratedPerson, GeneratedPerson]> = [];
  for (const group of entities.values()) {
    for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) truePairs.push([group[i]!, group[j]!]);
  }
  const predicted = [...scores].filter(([, candidate]) => candidate.score >= threshold).map(([key]) => key);
  const isTrue = (key: string) => {
    const [a, b] = key.split("|");
    return byId.get(a!)!.entity === byId.get(b!)!.entity;
  };
  const truePositives = predicted.filter(isTrue).length;
  const precision = predicted.length ? truePositives / predicted.length : 1;
  const recall = truePairs.length ? truePositives / truePairs.length : 1;
  return {
    records: records.length,
    truePairs: truePairs.length,
    blockedTruePairs: truePairs.filter(([a, b]) => blocked.has(pairKey(a.id, b.id))).length,
    comparisons,
    predictedPairs: predicted.length,
    truePositives,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    missed: truePairs.filter(([a, b]) => (scores.get(pairKey(a.id, b.id))?.score ?? 0) < threshold).map(([a, b]) => [a, b, scores.get(pairKey(a.id, b.id))]),
    falseMatches: predicted.filter((key) => !isTrue(key)).map((key) => {
      const [a, b] = key.split("|");
      return [byId.get(a!)!, byId.get(b!)!, scores.get(key)!];
    }),
  };
}
