import { z } from "zod";
import { parseFilter } from "../../query/filter-parser";
import { consentSchema, toRestConsent, type ConsentClient } from "../../routes/consents";
import type { CustomerPart } from "../customer-part";

/** A subject holds one consent per purpose and channel: a few dozen at most, read in one page. */
const PAGE = 200;

const consentPartSchema = z.object({
  consents: z.array(consentSchema).describe("The person's current consent per purpose and channel (granted or withdrawn)"),
});

/** Consent's section of the customer 360: what the person agreed to, per purpose and channel. */
export function consentParts(client: ConsentClient): CustomerPart[] {
  const part: CustomerPart<z.output<typeof consentPartSchema>> = {
    name: "consent",
    permission: "consent:read",
    schema: consentPartSchema,
    read: async ({ identity, contactId, timeoutMs }) => {
      const { consents } = await client.call(
        identity,
        "listConsents",
        { filter: parseFilter(`subjectId[eq]:${contactId}`), orderBy: [], page: { pageSize: PAGE, pageToken: "", direction: 0 } },
        { timeoutMs },
      );
      return { consents: consents.map(toRestConsent) };
    },
  };
  return [part];
}
