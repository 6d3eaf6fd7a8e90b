import { z } from "zod";
import type { ApiRegistry } from "../http/api-registry";
import { JsonText } from "../http/api-registry";
import { idSchema } from "../routes/schemas";
import { composeCustomer } from "./compose";
import type { CustomerCache } from "./customer-cache";
import type { CustomerPart } from "./customer-part";

const unavailable = z.object({ status: z.literal("unavailable"), reason: z.string() }).describe("Its service did not answer in time or could not answer");
const forbidden = z.object({ status: z.literal("forbidden") }).describe("The caller lacks the permission of this section");

/** GET /v1/customers/{contactId}/360: every service's view of one customer, composed in parallel. */
export function registerCustomerRoutes(api: ApiRegistry, parts: CustomerPart[], cache: CustomerCache, timeoutMs: number): void {
  const sections = z.object(
    Object.fromEntries(parts.map((part) => [part.name, z.discriminatedUnion("status", [z.object({ status: z.literal("ok"), data: part.schema }), unavailable, forbidden])])),
  );
  api.route({
    method: "get", path: "/v1/customers/:contactId/360", operationId: "getCustomer360",
    summary: "Everything known about one customer: person, organisations and each service's part, read in parallel", tag: "Customers",
    permission: "contacts:read", params: z.object({ contactId: idSchema }),
    response: {
      status: 200,
      schema: z.object({
        contactId: z.string(),
        status: z.enum(["complete", "partial"]).describe("partial: some sections say unavailable (their service was slow or down)"),
        generatedAt: z.string().describe("When the answer was composed (it may be reused for a few seconds)"),
        sections,
      }),
      description: "The customer; a slow or stopped service leaves its section unavailable and the answer partial",
    },
    handler: async ({ params, identity }) => {
      // Different callers may see different records and sections: the answer is kept per restriction and permissions.
      const key = [identity.tenantId, params.contactId, identity.owners?.join(",") ?? "*", identity.roles.join(","), identity.scopes.join(",")].join("|");
      const cached = cache.get(key);
      if (cached) return new JsonText(JSON.stringify(cached));
      const startedAt = Date.now();
      const { view, dependsOn } = await composeCustomer(parts, identity, params.contactId, timeoutMs);
      cache.fill(key, view, dependsOn, startedAt);
      return view;
    },
  });
}
