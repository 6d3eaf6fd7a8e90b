import { createHash, randomBytes } from "node:crypto";

/** The prevHash of a tenant's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** What a ledger entry says, all of it under its hash. Personal data is there as its digest only. */
export interface ChainedFields {
  tenantId: string;
  seq: number;
  /** A grant or withdrawal, or the pseudonymous record that a subject was erased. */
  kind: "consent" | "erasure";
  purposeId: string;
  channel: string;
  action: string;
  source: string;
  noticeVersion: number;
  recordedBy: string;
  occurredAt: Date;
  recordedAt: Date;
  expiresAt?: Date | undefined;
  note: string;
  /** personalDigest() of the entry's personal data; empty for an erasure record. */
  personalDigest: string;
  /** For an erasure record: subjectPseudonym() of the subject erased. */
  subjectPseudonym: string;
  prevHash: string;
}

/** What an erasure removes from an entry; kept beside its digest until then. */
export interface PersonalData {
  subjectId: string;
  ipAddress: string;
  userAgent: string;
}

/** An entry as stored: chained fields, its hash, and its personal data unless an erasure removed it. */
export interface StoredEntry extends ChainedFields, Partial<PersonalData> {
  id: string;
  hash: string;
  /** Random per entry, so that a digest cannot be matched against guessed values; erased with the data. */
  personalSalt?: string | undefined;
  /** The erasure request that removed the personal data. */
  erasedBy?: string | undefined;
}

/** Where a chain stops verifying. */
export interface ChainBreak {
  seq: number;
  entryId: string;
  reason: string;
}

export function newSalt(): string {
  return randomBytes(16).toString("base64url");
}

export function personalDigest(salt: string, personal: PersonalData): string {
  return sha256(JSON.stringify([salt, personal.subjectId, personal.ipAddress, personal.userAgent]));
}

/** The entry's hash: SHA-256 over every chained field, in a fixed order, and the hash before it. */
export function entryHash(entry: ChainedFields): string {
  return sha256(
    JSON.stringify([
      "crm.consent.ledger.v1",
      entry.tenantId,
      entry.seq,
      entry.prevHash,
      entry.kind,
      entry.purposeId,
      entry.channel,
      entry.action,
      entry.source,
      entry.noticeVersion,
      entry.recordedBy,
      entry.occurredAt.toISOString(),
      entry.recordedAt.toISOString(),
      entry.expiresAt?.toISOString() ?? null,
      entry.note,
      entry.personalDigest,
      entry.subjectPseudonym,
    ]),
  );
}

/** A pseudonym of a subject that names no one without the tenant and the contact id. */
export function subjectPseudonym(tenantId: string, subjectId: string): string {
  return sha256(`${tenantId}|${subjectId}`);
}

/**
 * Checks a tenant's entries in ledger order, one at a time: each follows the one before (no
 * gap), links to its hash, hashes to what it says, and holds the personal data its digest
 * names, unless an erasure recorded in the ledger removed it. The first failure is the break.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private previousHash = GENESIS_HASH;
  private readonly erasures = new Set<string>();
  /** Entries whose data an erasure removed, to match with its record, which comes later in the chain. */
  private readonly erased: Array<{ seq: number; entryId: string; requestId: string }> = [];
  checked = 0;

  /** The break at this entry, if it is one; stop at the first. */
  check(entry: StoredEntry): ChainBreak | undefined {
    const at = (reason: string): ChainBreak => ({ seq: entry.seq, entryId: entry.id, reason });
    if (entry.seq !== this.expectedSeq) {
      return entry.seq > this.expectedSeq
        ? { seq: this.expectedSeq, entryId: "", reason: `entry ${this.expectedSeq} is missing: the chain goes from ${this.expectedSeq - 1} to ${entry.seq}` }
        : at(`entry ${entry.seq} appears twice`);
    }
    if (entry.prevHash !== this.previousHash) return at("does not link to the entry before it (its prevHash differs from that entry's hash)");
    const personalBreak = this.checkPersonal(entry);
    if (personalBreak) return at(personalBreak);
    if (entryHash(entry) !== entry.hash) return at("its content no longer matches its hash");
    if (entry.kind === "erasure") this.erasures.add(entry.note.replace(/^erasure request /, ""));
    this.previousHash = entry.hash;
    this.expectedSeq++;
    this.checked++;
    return undefined;
  }

  /** Once every entry passed: an entry whose data was removed without a recorded erasure is a break too. */
  finish(): ChainBreak | undefined {
    const unrecorded = this.erased.find((entry) => !this.erasures.has(entry.requestId));
    return unrecorded && { seq: unrecorded.seq, entryId: unrecorded.entryId, reason: `its personal data was removed, but the ledger records no erasure ${unrecorded.requestId}` };
  }

  get headHash(): string {
    return this.previousHash;
  }

  private checkPersonal(entry: StoredEntry): string | undefined {
    if (entry.kind === "erasure") return entry.personalDigest === "" ? undefined : "an erasure record carries personal data";
    if (entry.erasedBy) {
      if (entry.subjectId || entry.personalSalt) return "marked erased but still holds personal data";
      this.erased.push({ seq: entry.seq, entryId: entry.id, requestId: entry.erasedBy });
      return undefined;
    }
    if (!entry.subjectId || entry.personalSalt === undefined) return "its personal data was removed without an erasure";
    const digest = personalDigest(entry.personalSalt, { subjectId: entry.subjectId, ipAddress: entry.ipAddress ?? "", userAgent: entry.userAgent ?? "" });
    return digest === entry.personalDigest ? undefined : "its subject, IP address or user agent was changed";
  }
}

export const erasureNote = (requestId: string) => `erasure request ${requestId}`;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
