import { z } from "zod";
import type { InteractionsClient } from "../../clients/interactions";
import { parseFilter } from "../../query/filter-parser";
import { interactionSchema, toRestInteraction } from "../../routes/interaction-schemas";
import { engagementSchema, toRestEngagement } from "../../routes/timelines";
import type { CustomerPart } from "../customer-part";

/** How many of the person's latest interactions the 360 shows; the rest is a list call away. */
const LATEST = 5;

const interactionsSchema = z.object({
  latest: z.array(interactionSchema).describe(`The person's ${LATEST} latest interactions, newest first`),
  engagement: engagementSchema,
});

/** Interactions' section of the customer 360: the latest conversations and how engaged the person is. */
export function interactionParts(client: InteractionsClient): CustomerPart[] {
  const part: CustomerPart<z.output<typeof interactionsSchema>> = {
    name: "interactions",
    permission: "interactions:read",
    schema: interactionsSchema,
    read: async ({ identity, contactId, timeoutMs }) => {
      const options = { timeoutMs };
      const [listed, engaged] = await Promise.all([
        client.call(identity, "listInteractions", { filter: parseFilter(`contactId[eq]:${contactId}`), orderBy: [], page: { pageSize: LATEST, pageToken: "", direction: 0 }, search: "" }, options),
        client.call(identity, "getEngagement", { contactIds: [contactId] }, options),
      ]);
      return { latest: listed.interactions.map(toRestInteraction), engagement: toRestEngagement(contactId, engaged.engagements[0]) };
    },
  };
  return [part];
}
