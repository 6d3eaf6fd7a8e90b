import { commonV1 } from "@crm/proto";

const { Comparator } = commonV1;

/**
 * Whether an event's data matches a subscription's filter: the list routes' language (and its
 * parser), evaluated on the JSON data in memory. A dotted field reads nested values; a field
 * holding a list matches when any element does, as in the services' queries.
 */
export function matchesFilter(filter: commonV1.Filter | undefined, data: Record<string, unknown>): boolean {
  const node = filter?.node;
  if (!node) return true;
  switch (node.$case) {
    case "and":
      return node.and.filters.every((child) => matchesFilter(child, data));
    case "or":
      return node.or.filters.some((child) => matchesFilter(child, data));
    case "condition":
      return matchesCondition(node.condition, data);
  }
}

function matchesCondition({ field, comparator, values }: commonV1.Condition, data: Record<string, unknown>): boolean {
  const found = read(data, field);
  if (comparator === Comparator.COMPARATOR_EXISTS) return (found.length > 0) === (values[0] !== "false");
  const texts = found.map((value) => String(value));
  const compare = (test: (value: string, wanted: string) => boolean) => texts.some((value) => values.some((wanted) => test(value, wanted)));
  switch (comparator) {
    case Comparator.COMPARATOR_EQ:
    case Comparator.COMPARATOR_IN:
      return compare((value, wanted) => value === wanted);
    case Comparator.COMPARATOR_NEQ:
    case Comparator.COMPARATOR_NIN:
      return !compare((value, wanted) => value === wanted);
    case Comparator.COMPARATOR_STARTS_WITH:
      return compare((value, wanted) => value.startsWith(wanted));
    case Comparator.COMPARATOR_GT:
      return compare((value, wanted) => order(value, wanted) > 0);
    case Comparator.COMPARATOR_GTE:
      return compare((value, wanted) => order(value, wanted) >= 0);
    case Comparator.COMPARATOR_LT:
      return compare((value, wanted) => order(value, wanted) < 0);
    case Comparator.COMPARATOR_LTE:
      return compare((value, wanted) => order(value, wanted) <= 0);
    default:
      return false;
  }
}

/** Numbers compare as numbers, anything else (ISO dates included) as text. */
function order(value: string, wanted: string): number {
  const [a, b] = [Number(value), Number(wanted)];
  if (value !== "" && wanted !== "" && Number.isFinite(a) && Number.isFinite(b)) return a - b;
  return value < wanted ? -1 : value > wanted ? 1 : 0;
}

/** The values at a dotted path, lists flattened. */
function read(data: unknown, path: string): unknown[] {
  let current: unknown[] = [data];
  for (const key of path.split(".")) {
    current = current.flatMap((value) => {
      const next = value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
      return next === undefined || next === null ? [] : Array.isArray(next) ? next : [next];
    });
  }
  return current;
}
