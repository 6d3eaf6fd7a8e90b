import { subjectDataV1 } from "@crm/proto";
import { PermissionDeniedError, ValidationError } from "../errors";
import type { createRpcWrapper } from "../grpc/handler";
import type { ServiceRegistration } from "../grpc/server";

/** What the consent service asks every service to export about one subject (crm.subject_data.v1). */
export interface SubjectExportRequest {
  tenantId: string;
  requestId: string;
  contactId: string;
  emails: string[];
  phones: string[];
}

/** A service's part of an access export: what it holds about the subject (anything JSON can say) and how many records. */
export interface SubjectExport {
  data: unknown;
  records: number;
}

/**
 * A service's part of the data-subject access saga, the twin of its Eraser: find what it holds
 * about the subject (by contact id and known identifiers) and give it back as it would show it.
 */
export type SubjectExporter = (request: SubjectExportRequest) => Promise<SubjectExport>;

/** The exporter of a service that holds no personal data (yet): an empty part. */
export const holdsNoSubjectData: SubjectExporter = async () => ({ data: {}, records: 0 });

/**
 * crm.subject_data.v1.SubjectDataService, which the runtime serves in every service (serve()
 * adds it): the consent service asks each service of its deployment for its part over gRPC.
 * Only services may ask: the gateway forwards users, never this method.
 */
export function subjectDataService(service: string, rpc: ReturnType<typeof createRpcWrapper>, exporter: () => SubjectExporter): ServiceRegistration {
  const implementation: subjectDataV1.SubjectDataServiceServer = {
    exportSubjectData: rpc("ExportSubjectData", async (request: subjectDataV1.ExportSubjectDataRequest, { identity }) => {
      if (!identity.subject.startsWith("service:")) throw new PermissionDeniedError("only services ask for a subject's data");
      if (!request.requestId) throw ValidationError.field("requestId", "is required");
      if (!request.contactId && request.emails.length === 0 && request.phones.length === 0) {
        throw ValidationError.field("contactId", "is required, unless e-mails or phones are given");
      }
      const part = await exporter()({ tenantId: identity.tenantId, requestId: request.requestId, contactId: request.contactId, emails: request.emails, phones: request.phones });
      return { service, dataJson: JSON.stringify(part.data ?? {}), records: String(part.records) };
    }),
  };
  return { name: "crm.subject_data.v1.SubjectDataService", definition: subjectDataV1.SubjectDataServiceService, implementation };
}
