import { Metadata } from "@grpc/grpc-js";
import { IDENTITY_METADATA_KEY } from "@crm/kit";

/** Metadata carrying a signed identity, for streaming calls made directly on the client. */
export function metadataFor(settings: { identityToken: string }): Metadata {
  const metadata = new Metadata();
  metadata.set(IDENTITY_METADATA_KEY, settings.identityToken);
  return metadata;
}
