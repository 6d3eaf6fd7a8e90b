// Entry point of the generated code: one namespace per proto package and version.
import path from "node:path";

export * as commonV1 from "./gen/crm/common/v1/query";
export * as contactsV1 from "./gen/crm/contacts/v1/contacts";
export * as salesPipelineV1 from "./gen/crm/sales_pipeline/v1/sales_pipeline";
export * as supportTicketsV1 from "./gen/crm/support_tickets/v1/support_tickets";
export * as consentV1 from "./consent";
export * as subjectDataV1 from "./gen/crm/subject_data/v1/subject_data";
export * as marketingCampaignV1 from "./gen/crm/marketing_campaign/v1/marketing_campaign";
export * as interactionsV1 from "./gen/crm/interactions/v1/interactions";
export * as eventsV1 from "./events";
export { EventMeta } from "./gen/crm/events/v1/envelope";
export * as rpcStatus from "./gen/google/rpc/status";
export * as rpcErrorDetails from "./gen/google/rpc/error_details";
export { Any } from "./gen/google/protobuf/any";

/** FileDescriptorSet of every proto, for gRPC server reflection. */
export const descriptorSetPath = path.join(__dirname, "..", "src", "descriptors.binpb");
