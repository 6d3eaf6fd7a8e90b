import { consentV1 } from "@crm/proto";
import { ServiceClient } from "@crm/kit/edge";
import { consentParts } from "../customer360/parts/consent";
import { registerConsentRoutes } from "../routes/consents";
import { registerPurposeRoutes } from "../routes/purposes";
import { registerSubjectRequestRoutes } from "../routes/subject-requests";
import { registerSuppressionRoutes } from "../routes/suppressions";
import { defineGatewayService } from "./gateway-module";

/** Consent: purposes, consents and their ledger, checks, the suppression list, subject requests. */
export const gatewayService = defineGatewayService({
  createClient: (address, { identityKey, timeoutMs }) =>
    new ServiceClient(consentV1.ConsentServiceClient, address, {
      identityKey,
      timeoutMs,
      reads: [
        "getPurpose", "listPurposes", "listConsents", "listConsentHistory", "verifyLedger", "checkConsents", "getSuppression", "listSuppressions",
        "getSubjectRequest", "listSubjectRequests", "getSubjectRequestReceipt", "getSubjectAccessExport", "verifyReceipt",
      ],
    }),
  registerRoutes: (api, client) => {
    registerPurposeRoutes(api, client);
    registerConsentRoutes(api, client);
    registerSuppressionRoutes(api, client);
    registerSubjectRequestRoutes(api, client);
  },
  customerParts: consentParts,
});
