import { subjectDataV1 } from "@crm/proto";
import { identityKey, ServiceClient, type Identity, type SubjectExporter, type SubjectExportRequest } from "@crm/kit";

/** A service's answer to an access request: its part of the export. */
export interface ExportAnswer {
  dataJson: string;
  records: number;
}

/**
 * The services a subject request asks, each by name: every registered one over gRPC at the
 * address it is given (crm.subject_data.v1.SubjectDataService, which the kit serves in each),
 * and this service itself directly. Questions carry the service's identity in the request's tenant.
 */
export class Participants {
  private readonly clients = new Map<string, ServiceClient<subjectDataV1.SubjectDataServiceClient>>();

  constructor(
    addresses: Record<string, string>,
    settings: { identitySigningKey: string; timeoutMs: number },
    private readonly self: { service: string; exporter: SubjectExporter },
  ) {
    for (const [service, address] of Object.entries(addresses)) {
      if (service === self.service) continue;
      this.clients.set(
        service,
        new ServiceClient(subjectDataV1.SubjectDataServiceClient, address, { identityKey: identityKey(settings.identitySigningKey), timeoutMs: settings.timeoutMs, reads: ["exportSubjectData"] }),
      );
    }
  }

  /** Every service asked: the registered ones. */
  get services(): string[] {
    return [...this.clients.keys(), this.self.service].sort();
  }

  /** The service's part of the export; throws when it cannot be reached or fails. */
  async export(service: string, request: SubjectExportRequest): Promise<ExportAnswer> {
    if (service === this.self.service) {
      const part = await this.self.exporter(request);
      return { dataJson: JSON.stringify(part.data ?? {}), records: part.records };
    }
    const client = this.clients.get(service);
    if (!client) throw new Error(`${service} is not a registered service`);
    const identity: Identity = { subject: `service:${this.self.service}`, tenantId: request.tenantId, roles: ["service"], scopes: [] };
    const { requestId, contactId, emails, phones } = request;
    const answer = await client.call(identity, "exportSubjectData", { requestId, contactId, emails, phones });
    return { dataJson: answer.dataJson, records: Number(answer.records) };
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}
