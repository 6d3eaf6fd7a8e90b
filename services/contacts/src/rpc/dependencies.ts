import type { ContactCache } from "../store/contact-cache";
import type { ContactErasure } from "../store/contact-erasure";
import type { ContactMerges } from "../store/contact-merges";
import type { ContactRepository } from "../store/contact-repository";
import type { ContactWriter } from "../store/contact-writer";
import type { CustomFieldRepository } from "../store/custom-field-repository";
import type { ImportFileStore } from "../store/import-files";
import type { ImportJobRepository } from "../store/import-job-repository";
import type { OrganizationRepository } from "../store/organization-repository";

/** Everything the handlers use, built once in app.ts. */
export interface ContactsDependencies {
  contacts: ContactRepository;
  writer: ContactWriter;
  merges: ContactMerges;
  erasure: ContactErasure;
  cache: ContactCache;
  organizations: OrganizationRepository;
  customFields: CustomFieldRepository;
  imports: ImportJobRepository;
  importFiles: ImportFileStore;
}
