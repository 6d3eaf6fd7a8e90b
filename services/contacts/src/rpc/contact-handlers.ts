import { contactsV1 } from "@crm/proto";
import { ValidationError, actorOf, callerMaySee, ownerOfNewRecord, requireId, type ServiceRuntime } from "@crm/kit";
import { CONTACT_FIELD_NAMES, toDraft, type ContactFields } from "../domain/contact";
import { applyMask, maskedFields } from "../domain/field-mask";
import { contactListFields } from "../domain/list-fields";
import { searchQueryTokens } from "../domain/search";
import { fieldsOf } from "../store/contact-repository";
import type { ContactsDependencies } from "./dependencies";
import { requireCurrent, toContactDraft, toProtoContact, versionOf } from "./mapping";

const MAX_REQUEST_ID = 200;
const DEFAULT_BATCH = 500;
const MAX_BATCH = 1_000;

type Handlers = Pick<
  contactsV1.ContactsServiceServer,
  "createContact" | "getContact" | "updateContact" | "deleteContact" | "listContacts" | "streamContacts" | "findContactDuplicates" | "mergeContacts" | "undoContactMerge"
>;

/** People: proto in, validation and domain call, proto out. */
export function contactHandlers(rpc: ServiceRuntime["rpc"], deps: ContactsDependencies): Handlers {
  const { contacts, writer, merges, cache, customFields } = deps;

  const prepare = async (tenantId: string, draft: ReturnType<typeof toContactDraft>): Promise<ContactFields> =>
    writer.prepare(tenantId, draft, await customFields.list(tenantId));

  return {
    createContact: rpc("CreateContact", async (request: contactsV1.CreateContactRequest, { identity }) => {
      if (request.requestId.length > MAX_REQUEST_ID) throw ValidationError.field("requestId", `must be at most ${MAX_REQUEST_ID} characters`);
      const draft = toContactDraft(request.contact);
      const fields = await prepare(identity.tenantId, { ...draft, ownerId: ownerOfNewRecord(draft.ownerId ?? "") });
      const created = await writer.create(actorOf(identity), fields, { allowDuplicates: request.allowDuplicates, requestId: request.requestId || undefined });
      return { contact: toProtoContact(created) };
    }),

    getContact: rpc("GetContact", async (request: contactsV1.GetContactRequest, { identity }) => {
      requireId(request.id, "id");
      // The cache is shared by every caller of the tenant: a record the caller may not see is read
      // from the database, which does not find it.
      const cached = await cache.get(identity.tenantId, request.id);
      if (cached && callerMaySee(cached.ownerId)) return { contact: toProtoContact(cached) };
      const contact = await contacts.get(identity.tenantId, request.id);
      await cache.set(contact);
      return { contact: toProtoContact(contact) };
    }),

    updateContact: rpc("UpdateContact", async (request: contactsV1.UpdateContactRequest, { identity }) => {
      requireId(request.id, "id");
      const fields = maskedFields(request.updateMask, CONTACT_FIELD_NAMES, "a contact");
      const current = await contacts.get(identity.tenantId, request.id);
      requireCurrent(request.etag, current, "contact");
      const input = toContactDraft(request.contact);
      const draft = { ...applyMask(toDraft(fieldsOf(current)), input, fields), defaultPhoneRegion: input.defaultPhoneRegion };
      const updated = await writer.update(actorOf(identity), current, await prepare(identity.tenantId, draft));
      return { contact: toProtoContact(updated) };
    }),

    deleteContact: rpc("DeleteContact", async (request: contactsV1.DeleteContactRequest, { identity }) => {
      requireId(request.id, "id");
      const current = await contacts.get(identity.tenantId, request.id);
      requireCurrent(request.etag, current, "contact");
      await writer.delete(actorOf(identity), current);
      return {};
    }),

    listContacts: rpc("ListContacts", async (request: contactsV1.ListContactsRequest, { identity }) => {
      const page = await contacts.list(identity.tenantId, {
        filter: request.filter,
        searchTokens: searchQueryTokens(request.search),
        orderBy: request.orderBy,
        page: request.page,
        fields: contactListFields(await customFields.list(identity.tenantId)),
      });
      return { contacts: page.items.map(toProtoContact), pageInfo: page.pageInfo };
    }),

    streamContacts: rpc.serverStream("StreamContacts", async (request: contactsV1.StreamContactsRequest, { identity }, send) => {
      const batchSize = request.batchSize || DEFAULT_BATCH;
      if (batchSize < 1 || batchSize > MAX_BATCH) throw ValidationError.field("batchSize", `must be between 1 and ${MAX_BATCH}`);
      if (request.afterId) requireId(request.afterId, "afterId");
      const fields = contactListFields(await customFields.list(identity.tenantId));
      const batches = contacts.stream(identity.tenantId, request.filter, searchQueryTokens(request.search), fields, request.afterId, batchSize);
      for await (const batch of batches) await send({ contacts: batch.map(toProtoContact) });
    }),

    findContactDuplicates: rpc("FindContactDuplicates", async (request: contactsV1.FindContactDuplicatesRequest, { identity }) => {
      const subject = request.subject;
      if (!subject) throw ValidationError.field("subject", "give a contactId or a contact");
      if (subject.$case === "contactId") {
        requireId(subject.contactId, "contactId");
        const stored = await contacts.get(identity.tenantId, subject.contactId);
        return { candidates: await writer.findDuplicates(identity.tenantId, fieldsOf(stored), stored.id) };
      }
      const fields = await prepare(identity.tenantId, toContactDraft(subject.contact));
      return { candidates: await writer.findDuplicates(identity.tenantId, fields) };
    }),

    mergeContacts: rpc("MergeContacts", async (request: contactsV1.MergeContactsRequest, { identity }) => {
      requireId(request.survivorId, "survivorId");
      requireId(request.mergedId, "mergedId");
      const fromMerged = request.fieldsFromMerged.length ? maskedFields(request.fieldsFromMerged, CONTACT_FIELD_NAMES, "a contact") : [];
      const definitions = await customFields.list(identity.tenantId);
      const result = await merges.merge(actorOf(identity), request.survivorId, request.mergedId, fromMerged, versionOf(request.survivorEtag, "survivorEtag"), definitions);
      return { contact: toProtoContact(result.contact), mergeId: result.mergeId, fieldSources: result.fieldSources };
    }),

    undoContactMerge: rpc("UndoContactMerge", async (request: contactsV1.UndoContactMergeRequest, { identity }) => {
      requireId(request.mergeId, "mergeId");
      const { survivor, restored } = await merges.undo(actorOf(identity), request.mergeId);
      return { survivor: toProtoContact(survivor), restored: toProtoContact(restored) };
    }),
  };
}
