import { commonV1 } from "@crm/proto";
import { ValidationError, type FieldViolation } from "@crm/kit/edge";
import { z } from "zod";
import { parseFilter } from "./filter-parser";

/** Query parameters every list route accepts (also the source of their OpenAPI description). */
export const listQuerySchema = z
  .object({
    filter: z.string().optional().describe("e.g. and(type[eq]:customer,or(country[in]:[PL,RO],createdAt[gte]:2026-01-01))"),
    orderBy: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*(\[(asc|desc)\])?$/, "must look like field or field[desc]").optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    after: z.string().max(1_000).optional().describe("endCursor of the previous page"),
    before: z.string().max(1_000).optional().describe("startCursor of the next page"),
  })
  .strict();

export interface ListRequestParts {
  filter: commonV1.Filter | undefined;
  orderBy: commonV1.OrderBy[];
  page: commonV1.PageRequest;
}

/** Turns validated list parameters into the filter tree, order and page of a List RPC. */
export function toListRequest(query: z.output<typeof listQuerySchema>): ListRequestParts {
  const violations: FieldViolation[] = [];
  if (query.after && query.before) violations.push({ field: "before", description: "cannot be combined with after" });
  if (violations.length) throw new ValidationError(violations);
  const order = query.orderBy ? /^([^[]+)(?:\[(asc|desc)\])?$/.exec(query.orderBy) : null;
  return {
    filter: query.filter ? parseFilter(query.filter) : undefined,
    orderBy: order ? [{ field: order[1]!, descending: order[2] === "desc" }] : [],
    page: {
      pageSize: query.limit,
      pageToken: query.before ?? query.after ?? "",
      direction: query.before
        ? commonV1.PageDirection.PAGE_DIRECTION_BACKWARD
        : commonV1.PageDirection.PAGE_DIRECTION_FORWARD,
    },
  };
}

export function toPageInfo(info: commonV1.PageInfo | undefined) {
  return {
    hasNextPage: info?.hasNextPage ?? false,
    hasPreviousPage: info?.hasPreviousPage ?? false,
    startCursor: info?.startCursor || null,
    endCursor: info?.endCursor || null,
  };
}
