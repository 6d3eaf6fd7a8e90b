import type { Model } from "mongoose";
import { commonV1 } from "@crm/proto";
import { ValidationError } from "../errors";
import type { FieldSpecs } from "./fields";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  pageInfo: commonV1.PageInfo;
}

export interface PageQuery {
  orderBy: commonV1.OrderBy[];
  page: commonV1.PageRequest | undefined;
  /** Ordering when the caller gives none. */
  defaultOrder: commonV1.OrderBy;
}

type SortValue = string | number | boolean | Date;
interface CursorContent {
  /** Sort field and direction the cursor was made for; a cursor is only valid for them. */
  f: string;
  d: 1 | -1;
  /** Value of the sort field, tagged when it is a date. */
  v: SortValue | { $date: string };
  id: string;
}

/**
 * Cursor paging over any model: a stable order on one field with the id as the last
 * tie-breaker, opaque cursors built from the sort value and the id, and both directions.
 * Inserts between pages never repeat or skip rows that existed when the cursor was made.
 */
export async function paginate<T extends { _id: string }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the filter is built at run time
  model: Model<any>,
  filter: Record<string, unknown>,
  fields: FieldSpecs,
  { orderBy, page, defaultOrder }: PageQuery,
): Promise<Page<T>> {
  if (orderBy.length > 1) throw ValidationError.field("orderBy", "takes one field (the id always breaks ties)");
  const order = orderBy[0] ?? defaultOrder;
  const spec = Object.hasOwn(fields, order.field) ? fields[order.field] : undefined;
  if (!spec?.sortable) {
    const sortable = Object.entries(fields).filter(([, s]) => s.sortable).map(([name]) => name);
    throw ValidationError.field("orderBy", `cannot order by "${order.field}" (use one of: ${sortable.join(", ")})`);
  }
  const size = page?.pageSize || DEFAULT_PAGE_SIZE;
  if (size < 1 || size > MAX_PAGE_SIZE) throw ValidationError.field("limit", `must be between 1 and ${MAX_PAGE_SIZE}`);
  const direction: 1 | -1 = order.descending ? -1 : 1;
  const backward = page?.direction === commonV1.PageDirection.PAGE_DIRECTION_BACKWARD;
  const cursor = page?.pageToken ? decodeCursor(page.pageToken, order.field, direction) : undefined;

  // Walking backward is walking forward in the reversed order, then flipping the result.
  const walk = (reverse: boolean, from: CursorContent | undefined, limit: number) => {
    const dir = (reverse ? -direction : direction) as 1 | -1;
    // The base filter stays at the top level, where the tenant guard looks for tenantId.
    const existing = Array.isArray(filter.$and) ? (filter.$and as object[]) : [];
    const query = from ? { ...filter, $and: [...existing, after(spec.path, from, dir)] } : filter;
    return model
      .find(query)
      .sort({ [spec.path]: dir, _id: dir })
      .limit(limit)
      .lean<T[]>();
  };

  const rows = await walk(backward, cursor, size + 1);
  const hasMore = rows.length > size;
  const items = rows.slice(0, size);
  if (backward) items.reverse();
  // Whether anything lies on the other side of the cursor: one indexed look-up.
  const hasOtherSide = cursor ? (await walk(!backward, cursor, 1).then((r) => r.length)) > 0 : false;
  const encode = (row: T | undefined) => (row ? encodeCursor(order.field, direction, readPath(row, spec.path), row._id) : "");
  const hasNextPage = backward ? hasOtherSide : hasMore;
  const endCursor = encode(items.at(-1));
  return {
    items,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: backward ? hasMore : hasOtherSide,
      startCursor: encode(items[0]),
      endCursor,
      nextPageToken: hasNextPage ? endCursor : "",
    },
  };
}

/** Rows strictly after the cursor in the given direction. */
function after(path: string, cursor: CursorContent, dir: 1 | -1): Record<string, unknown> {
  const op = dir === 1 ? "$gt" : "$lt";
  const value = typeof cursor.v === "object" && cursor.v !== null && "$date" in cursor.v ? new Date(cursor.v.$date) : cursor.v;
  return { $or: [{ [path]: { [op]: value } }, { [path]: value, _id: { [op]: cursor.id } }] };
}

function encodeCursor(field: string, direction: 1 | -1, value: unknown, id: string): string {
  const v = value instanceof Date ? { $date: value.toISOString() } : (value as SortValue);
  const content: CursorContent = { f: field, d: direction, v, id };
  return Buffer.from(JSON.stringify(content)).toString("base64url");
}

function decodeCursor(token: string, field: string, direction: 1 | -1): CursorContent {
  let content: CursorContent;
  try {
    content = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as CursorContent;
  } catch {
    throw ValidationError.field("cursor", "is not a cursor this API issued");
  }
  if (typeof content?.id !== "string" || !isSortValue(content.v)) {
    throw ValidationError.field("cursor", "is not a cursor this API issued");
  }
  if (content.f !== field || content.d !== direction) {
    throw ValidationError.field("cursor", "was issued for another order; start again without a cursor");
  }
  return content;
}

// Only plain values or a tagged date: a crafted cursor must not carry query operators.
function isSortValue(value: unknown): boolean {
  if (["string", "number", "boolean"].includes(typeof value)) return true;
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value);
  const date = (value as { $date?: unknown }).$date;
  return keys.length === 1 && typeof date === "string" && !Number.isNaN(Date.parse(date));
}

function readPath(row: object, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], row);
}
