import { commonV1 } from "@crm/proto";
import { ValidationError } from "../errors";
import type { FieldSpec, FieldSpecs } from "./fields";

const { Comparator } = commonV1;
type Filter = commonV1.Filter;
type Condition = commonV1.Condition;

/**
 * Bounds of every filter tree. The gateway enforces them while parsing, before anything is
 * encoded (protobuf decoders refuse deep recursion); services enforce them again.
 * Depth counts nodes: a lone condition is depth 1, `and(condition)` is depth 2.
 */
export const FILTER_LIMITS = { maxDepth: 6, maxConditions: 50, maxValues: 100 } as const;
const { maxDepth: MAX_DEPTH, maxConditions: MAX_CONDITIONS, maxValues: MAX_VALUES } = FILTER_LIMITS;

/**
 * Translates the typed filter tree into a MongoDB query over allow-listed fields only. Values
 * are converted with each field's type, so no client text ever becomes an operator; only the
 * operators used here, all supported by FerretDB, can appear.
 */
export function toMongoFilter(filter: Filter | undefined, fields: FieldSpecs): Record<string, unknown> {
  if (!filter) return {};
  let conditions = 0;
  const visit = (node: Filter, depth: number): Record<string, unknown> => {
    if (depth > MAX_DEPTH) throw ValidationError.field("filter", `is nested deeper than ${MAX_DEPTH} levels`);
    const branch = node.node;
    if (!branch) throw ValidationError.field("filter", "has an empty node");
    switch (branch.$case) {
      case "and":
      case "or": {
        const children = (branch.$case === "and" ? branch.and : branch.or).filters;
        if (children.length === 0) throw ValidationError.field("filter", `${branch.$case}() needs at least one condition`);
        return { [`$${branch.$case}`]: children.map((child) => visit(child, depth + 1)) };
      }
      case "condition":
        if (++conditions > MAX_CONDITIONS) throw ValidationError.field("filter", `has more than ${MAX_CONDITIONS} conditions`);
        return translateCondition(branch.condition, fields);
    }
  };
  return visit(filter, 1);
}

function translateCondition(condition: Condition, fields: FieldSpecs): Record<string, unknown> {
  const spec = Object.hasOwn(fields, condition.field) ? fields[condition.field] : undefined;
  if (!spec) {
    throw ValidationError.field(`filter.${condition.field}`, `is not a filterable field (use one of: ${Object.keys(fields).join(", ")})`);
  }
  const field = `filter.${condition.field}`;
  const { values } = condition;
  if (values.length > MAX_VALUES) throw ValidationError.field(field, `takes at most ${MAX_VALUES} values`);
  const one = (): unknown => {
    if (values.length !== 1) throw ValidationError.field(field, "takes exactly one value with this comparator");
    return convert(values[0]!, spec, field);
  };
  const many = (): unknown[] => {
    if (values.length === 0) throw ValidationError.field(field, "needs at least one value");
    return values.map((value) => convert(value, spec, field));
  };
  switch (condition.comparator) {
    case Comparator.COMPARATOR_EQ:
      return { [spec.path]: one() };
    case Comparator.COMPARATOR_NEQ:
      return { [spec.path]: { $ne: one() } };
    case Comparator.COMPARATOR_IN:
      return { [spec.path]: { $in: many() } };
    case Comparator.COMPARATOR_NIN:
      return { [spec.path]: { $nin: many() } };
    case Comparator.COMPARATOR_GT:
      return { [spec.path]: { $gt: ordered(one(), spec, field) } };
    case Comparator.COMPARATOR_GTE:
      return { [spec.path]: { $gte: ordered(one(), spec, field) } };
    case Comparator.COMPARATOR_LT:
      return { [spec.path]: { $lt: ordered(one(), spec, field) } };
    case Comparator.COMPARATOR_LTE:
      return { [spec.path]: { $lte: ordered(one(), spec, field) } };
    case Comparator.COMPARATOR_STARTS_WITH: {
      if (spec.type !== "string") throw ValidationError.field(field, "startsWith applies to text fields only");
      return { [spec.path]: { $regex: `^${escapeRegex(String(one()))}` } };
    }
    case Comparator.COMPARATOR_EXISTS: {
      if (values.length !== 1 || !["true", "false"].includes(values[0]!)) {
        throw ValidationError.field(field, "exists takes true or false");
      }
      return { [spec.path]: { $exists: values[0] === "true" } };
    }
    default:
      throw ValidationError.field(field, "has an unknown comparator");
  }
}

function ordered(value: unknown, spec: FieldSpec, field: string): unknown {
  if (spec.type === "boolean" || spec.type === "enum") throw ValidationError.field(field, "cannot be compared with gt/gte/lt/lte");
  return value;
}

/** Converts one client value to the field's stored type, or explains why it cannot. */
export function convert(raw: string, spec: FieldSpec, field: string): unknown {
  switch (spec.type) {
    case "string":
      return spec.normalise ? spec.normalise(raw) : raw;
    case "enum": {
      const value = spec.normalise ? spec.normalise(raw) : raw;
      if (!spec.values?.includes(value)) throw ValidationError.field(field, `must be one of: ${spec.values?.join(", ")}`);
      return value;
    }
    case "number": {
      const value = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(value)) throw ValidationError.field(field, `"${raw}" is not a number`);
      return value;
    }
    case "boolean":
      if (raw !== "true" && raw !== "false") throw ValidationError.field(field, "must be true or false");
      return raw === "true";
    case "date": {
      const value = new Date(raw);
      if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(value.getTime())) {
        throw ValidationError.field(field, `"${raw}" is not an ISO 8601 date`);
      }
      return value;
    }
  }
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
