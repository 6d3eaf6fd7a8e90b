import { generateKeyPairSync } from "node:crypto";
import { type Logger, isDuplicateKey } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import { ReceiptSigner } from "../domain/receipt";

const KEY_ID = "receipts";

/** The service's own receipt key, when none is configured: one for every tenant, so no tenantId. */
interface StoredKeyDocument {
  _id: string;
  pkcs8: string;
  createdAt: Date;
}

const schema = new Schema<StoredKeyDocument>(
  { _id: { type: String, required: true }, pkcs8: { type: String, required: true }, createdAt: { type: Date, required: true } },
  { collection: "signing_keys", versionKey: false, strict: "throw" },
);

/**
 * The key that signs receipts: the one configured (RECEIPT_SIGNING_KEY), or else one this
 * service made once and keeps in its database, the same for every replica (the first to store
 * it wins). The stored key lets development and tests run without a secret; in production,
 * configure one, kept apart from the database whose records the receipts vouch for.
 */
export async function receiptSigner(connection: Connection, configured: string | undefined, log: Logger): Promise<ReceiptSigner> {
  if (configured) return ReceiptSigner.fromText(configured);
  const model = (connection.models.SigningKey as Model<StoredKeyDocument> | undefined) ?? connection.model<StoredKeyDocument>("SigningKey", schema);
  let stored = await model.findOne({ _id: KEY_ID }).lean<StoredKeyDocument>();
  if (!stored) {
    const { privateKey } = generateKeyPairSync("ed25519");
    const candidate = { _id: KEY_ID, pkcs8: privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"), createdAt: new Date() };
    try {
      await model.create(candidate);
      stored = candidate;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      stored = await model.findOne({ _id: KEY_ID }).lean<StoredKeyDocument>();
    }
  }
  log.warn("RECEIPT_SIGNING_KEY is not set: receipts are signed with a key kept in this service's database; configure an Ed25519 key (PKCS#8) in production");
  return ReceiptSigner.fromText(stored!.pkcs8);
}
