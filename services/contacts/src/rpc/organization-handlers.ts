import { contactsV1 } from "@crm/proto";
import { PermissionDeniedError, actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { applyMask, maskedFields } from "../domain/field-mask";
import { ORGANIZATION_FIELD_NAMES, organizationDraftOf, prepareOrganization, type OrganizationDraft } from "../domain/organization";
import { searchQueryTokens } from "../domain/search";
import type { ContactsDependencies } from "./dependencies";
import { requireCurrent, toDefinition, toOrganizationDraft, toProtoDefinition, toProtoOrganization } from "./mapping";

type Handlers = Pick<
  contactsV1.ContactsServiceServer,
  "createOrganization" | "getOrganization" | "updateOrganization" | "listOrganizations" | "findOrganizationDuplicates" | "defineCustomField" | "listCustomFields"
>;

/** Organisations and the tenant's custom field definitions. */
export function organizationHandlers(rpc: ServiceRuntime["rpc"], { organizations, customFields }: ContactsDependencies): Handlers {
  return {
    createOrganization: rpc("CreateOrganization", async (request: contactsV1.CreateOrganizationRequest, { identity }) => {
      const fields = prepareOrganization(toOrganizationDraft(request.organization));
      return { organization: toProtoOrganization(await organizations.create(actorOf(identity), fields, { allowDuplicates: request.allowDuplicates, requestId: request.requestId || undefined })) };
    }),

    getOrganization: rpc("GetOrganization", async (request: contactsV1.GetOrganizationRequest, { identity }) => {
      requireId(request.id, "id");
      return { organization: toProtoOrganization(await organizations.get(identity.tenantId, request.id)) };
    }),

    updateOrganization: rpc("UpdateOrganization", async (request: contactsV1.UpdateOrganizationRequest, { identity }) => {
      requireId(request.id, "id");
      const fields = maskedFields(request.updateMask, ORGANIZATION_FIELD_NAMES, "an organisation");
      const current = await organizations.get(identity.tenantId, request.id);
      requireCurrent(request.etag, current, "organisation");
      const draft = applyMask<OrganizationDraft, (typeof fields)[number]>(organizationDraftOf(current), toOrganizationDraft(request.organization), fields);
      return { organization: toProtoOrganization(await organizations.update(actorOf(identity), current, prepareOrganization(draft))) };
    }),

    listOrganizations: rpc("ListOrganizations", async (request: contactsV1.ListOrganizationsRequest, { identity }) => {
      const page = await organizations.list(identity.tenantId, {
        filter: request.filter,
        searchTokens: searchQueryTokens(request.search),
        orderBy: request.orderBy,
        page: request.page,
      });
      return { organizations: page.items.map(toProtoOrganization), pageInfo: page.pageInfo };
    }),

    findOrganizationDuplicates: rpc("FindOrganizationDuplicates", async (request: contactsV1.FindOrganizationDuplicatesRequest, { identity }) => {
      const fields = prepareOrganization(toOrganizationDraft(request.organization));
      return { candidates: await organizations.findDuplicates(identity.tenantId, fields) };
    }),

    defineCustomField: rpc("DefineCustomField", async (request: contactsV1.DefineCustomFieldRequest, { identity }) => {
      if (!identity.roles.includes("admin") && !identity.scopes.includes("contacts:admin")) {
        throw new PermissionDeniedError("only administrators define custom fields");
      }
      return { definition: toProtoDefinition(await customFields.define(identity.tenantId, toDefinition(request.definition))) };
    }),

    listCustomFields: rpc("ListCustomFields", async (_request: contactsV1.ListCustomFieldsRequest, { identity }) => {
      return { definitions: (await customFields.list(identity.tenantId)).map(toProtoDefinition) };
    }),
  };
}
