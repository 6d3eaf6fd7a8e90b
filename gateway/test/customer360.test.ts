import { NotFoundError } from "@crm/kit/edge";
import { z } from "zod";
import { composeCustomer } from "../src/customer360/compose";
import type { CustomerPart } from "../src/customer360/customer-part";

// The composition of the customer 360, with parts that answer, fail, hang or are not allowed.
const identity = { subject: "u", tenantId: "t", roles: ["sales"], scopes: [] };
const part = (name: string, read: CustomerPart["read"], permission: CustomerPart["permission"] = "contacts:read"): CustomerPart => ({ name, permission, schema: z.unknown(), read });
const never = () => new Promise<never>(() => undefined);

describe("composing the customer 360", () => {
  it("reads parts in parallel, each within its deadline, and says which are missing", async () => {
    const started = Date.now();
    const { view, dependsOn } = await composeCustomer(
      [
        part("contact", async (context) => {
          context.dependsOn("t|contact|c1");
          return context.once("contact", async () => ({ id: context.contactId }));
        }),
        part("slow", never),
        part("broken", async () => Promise.reject(new Error("boom"))),
        part("admin-only", async () => "secret", "consent:admin"),
      ],
      identity,
      "c1",
      200,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(view).toMatchObject({
      contactId: "c1",
      status: "partial",
      sections: {
        contact: { status: "ok", data: { id: "c1" } },
        slow: { status: "unavailable", reason: "its service did not answer in time" },
        broken: { status: "unavailable", reason: "its service could not answer" },
        "admin-only": { status: "forbidden" },
      },
    });
    expect(dependsOn).toEqual(["t|contact|c1"]);
  });

  it("answers 404 when the contact does not exist, and complete when every part answered", async () => {
    await expect(composeCustomer([part("contact", async () => Promise.reject(new NotFoundError("gone")))], identity, "c1", 200)).rejects.toBeInstanceOf(NotFoundError);
    const { view } = await composeCustomer([part("contact", async () => ({}))], identity, "c1", 200);
    expect(view.status).toBe("complete");
  });
});
