import type { SubjectExport, SubjectExportRequest } from "@crm/kit";
import type { ContactRepository } from "./contact-repository";
import type { MatchKeyIndex } from "./match-keys";
import type { MergeModel } from "./merge.model";
import { findSubjectRecords } from "./subject-records";

/**
 * The contacts service's part of a subject's access export: every record of the subject (found
 * as the erasure finds them, in any state) as stored, and the merges that joined them.
 */
export class ContactExport {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly keys: MatchKeyIndex,
    private readonly merges: MergeModel,
  ) {}

  async export(request: SubjectExportRequest): Promise<SubjectExport> {
    const records = await findSubjectRecords({ contacts: this.contacts, keys: this.keys, merges: this.merges }, request);
    const ids = records.map((contact) => contact.id);
    const merges = ids.length === 0 ? [] : await this.merges
      .find({ tenantId: request.tenantId, $or: [{ survivorId: { $in: ids } }, { mergedId: { $in: ids } }] }, { survivorId: 1, mergedId: 1, status: 1, mergedAt: 1, undoneAt: 1 })
      .lean();
    return {
      data: {
        contacts: records.map(({ tenantId: _tenant, ...contact }) => contact),
        merges: merges.map(({ _id, survivorId, mergedId, status, mergedAt, undoneAt }) => ({ id: _id, survivorId, mergedId, status, mergedAt, undoneAt: undoneAt ?? null })),
      },
      records: records.length + merges.length,
    };
  }
}
