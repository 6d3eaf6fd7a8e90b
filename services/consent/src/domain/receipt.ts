import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { ValidationError } from "@crm/kit";
import type { ServiceProgress, SubjectRequestKind } from "./subject-request";

export const RECEIPT_ALGORITHM = "Ed25519";

/** What a receipt states: each service, what it did, when. No personal data: the subject by pseudonym. */
export interface Receipt {
  type: "crm.subject-request-receipt.v1";
  requestId: string;
  tenantId: string;
  kind: SubjectRequestKind;
  subjectPseudonym: string;
  requestedAt: string;
  completedAt: string;
  services: Array<{ service: string; erased?: number; anonymised?: number; records?: number; at: string }>;
  /** For an access request: SHA-256 of the export it delivered. */
  exportSha256?: string;
}

export interface SignedReceipt {
  receiptJson: string;
  signature: string;
  keyId: string;
  algorithm: string;
  publicKeyPem: string;
}

export interface ReceiptRequest {
  id: string;
  tenantId: string;
  kind: SubjectRequestKind;
  subjectPseudonym: string;
  requestedAt: Date;
  progress: Record<string, ServiceProgress>;
}

/** The receipt of a request every service answered, services in name order. */
export function buildReceipt(request: ReceiptRequest, completedAt: Date, exportSha256?: string): Receipt {
  const services = Object.entries(request.progress)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, part]) => ({
      service,
      ...(request.kind === "erasure" ? { erased: part.erased, anonymised: part.anonymised } : { records: part.records }),
      at: (part.doneAt ?? completedAt).toISOString(),
    }));
  return {
    type: "crm.subject-request-receipt.v1",
    requestId: request.id,
    tenantId: request.tenantId,
    kind: request.kind,
    subjectPseudonym: request.subjectPseudonym,
    requestedAt: request.requestedAt.toISOString(),
    completedAt: completedAt.toISOString(),
    services,
    ...(exportSha256 ? { exportSha256 } : {}),
  };
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Signs receipts with an Ed25519 key and checks them later: a receipt verifies only as it was
 * issued, byte for byte, and only under this service's key.
 */
export class ReceiptSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  private readonly publicKey: KeyObject;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("the receipt signing key must be an Ed25519 private key");
    this.publicKey = createPublicKey(privateKey);
    const spki = this.publicKey.export({ type: "spki", format: "der" });
    this.keyId = createHash("sha256").update(spki).digest("base64url").slice(0, 16);
    this.publicKeyPem = this.publicKey.export({ type: "spki", format: "pem" }).toString();
  }

  /** A key as configured: PKCS#8 PEM, or its DER in base64. */
  static fromText(text: string): ReceiptSigner {
    const trimmed = text.trim();
    const key = trimmed.startsWith("-----BEGIN")
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "pkcs8" });
    return new ReceiptSigner(key);
  }

  sign(receipt: Receipt): SignedReceipt {
    const receiptJson = JSON.stringify(receipt);
    return {
      receiptJson,
      signature: sign(null, Buffer.from(receiptJson), this.privateKey).toString("base64url"),
      keyId: this.keyId,
      algorithm: RECEIPT_ALGORITHM,
      publicKeyPem: this.publicKeyPem,
    };
  }

  /** The receipt, if it is exactly as this service signed it; INVALID_ARGUMENT naming what is wrong otherwise. */
  verify(signed: Pick<SignedReceipt, "receiptJson" | "signature" | "keyId">): Receipt {
    if (signed.keyId !== this.keyId) throw ValidationError.field("receipt.keyId", "is not the key this service signs with");
    let valid = false;
    try {
      valid = verify(null, Buffer.from(signed.receiptJson), this.publicKey, Buffer.from(signed.signature, "base64url"));
    } catch {
      valid = false;
    }
    if (!valid) throw ValidationError.field("receipt.signature", "does not match the receipt: it was altered, or not signed by this service");
    return JSON.parse(signed.receiptJson) as Receipt;
  }
}
