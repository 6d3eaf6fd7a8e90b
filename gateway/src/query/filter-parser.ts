import { commonV1 } from "@crm/proto";
import { FILTER_LIMITS, ValidationError } from "@crm/kit/edge";

const { Comparator } = commonV1;
type Filter = commonV1.Filter;

const COMPARATORS: Record<string, commonV1.Comparator> = {
  eq: Comparator.COMPARATOR_EQ,
  neq: Comparator.COMPARATOR_NEQ,
  in: Comparator.COMPARATOR_IN,
  nin: Comparator.COMPARATOR_NIN,
  gt: Comparator.COMPARATOR_GT,
  gte: Comparator.COMPARATOR_GTE,
  lt: Comparator.COMPARATOR_LT,
  lte: Comparator.COMPARATOR_LTE,
  startsWith: Comparator.COMPARATOR_STARTS_WITH,
  exists: Comparator.COMPARATOR_EXISTS,
};
const LIST_COMPARATORS = new Set(["in", "nin"]);
const MAX_LENGTH = 4_000;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * Parses the `filter` language shared by every list route into the typed tree services take:
 *
 *   filter    := group | condition
 *   group     := ("and" | "or") "(" filter ("," filter)* ")"
 *   condition := field "[" comparator "]" ":" value
 *   value     := scalar | "[" scalar ("," scalar)* "]"
 *   scalar    := "quoted \"text\"" | bare text without , ( ) [ ] "
 *
 * e.g. and(type[eq]:customer,or(country[in]:[PL,RO],score[gte]:50)). Errors name the position.
 */
export function parseFilter(text: string): Filter {
  if (text.length > MAX_LENGTH) fail(`is longer than ${MAX_LENGTH} characters`);
  const parser = new Parser(text);
  const filter = parser.filter();
  parser.skipSpaces();
  if (!parser.atEnd()) parser.unexpected();
  return filter;
}

function fail(description: string): never {
  throw ValidationError.field("filter", description);
}

class Parser {
  private position = 0;
  constructor(private readonly text: string) {}

  private conditions = 0;

  filter(depth = 1): Filter {
    this.skipSpaces();
    if (depth > FILTER_LIMITS.maxDepth) fail(`is nested deeper than ${FILTER_LIMITS.maxDepth} levels (at position ${this.position + 1})`);
    const word = this.peekWord();
    if ((word === "and" || word === "or") && this.text[this.position + word.length] === "(") {
      this.position += word.length + 1;
      const filters: Filter[] = [this.filter(depth + 1)];
      this.skipSpaces();
      while (this.text[this.position] === ",") {
        this.position++;
        filters.push(this.filter(depth + 1));
        this.skipSpaces();
      }
      this.expect(")");
      return word === "and" ? { node: { $case: "and", and: { filters } } } : { node: { $case: "or", or: { filters } } };
    }
    return this.condition();
  }

  private condition(): Filter {
    const start = this.position;
    const field = this.readWhile((c) => /[A-Za-z0-9_.]/.test(c));
    if (!field) this.unexpected("a field name");
    if (!FIELD.test(field)) fail(`"${field}" at position ${start + 1} is not a valid field name`);
    this.expect("[");
    const name = this.readWhile((c) => /[A-Za-z]/.test(c));
    const comparator = COMPARATORS[name];
    if (comparator === undefined) {
      fail(`unknown comparator "${name}" for ${field} (use one of: ${Object.keys(COMPARATORS).join(", ")})`);
    }
    this.expect("]");
    this.expect(":");
    if (++this.conditions > FILTER_LIMITS.maxConditions) fail(`has more than ${FILTER_LIMITS.maxConditions} conditions`);
    const isList = this.text[this.position] === "[";
    const values = isList ? this.list() : [this.scalar()];
    if (values.length > FILTER_LIMITS.maxValues) fail(`${field}[${name}] takes at most ${FILTER_LIMITS.maxValues} values`);
    if (LIST_COMPARATORS.has(name) !== isList) {
      fail(LIST_COMPARATORS.has(name) ? `${field}[${name}] takes a list like [a,b]` : `${field}[${name}] takes a single value`);
    }
    return { node: { $case: "condition", condition: { field, comparator, values } } };
  }

  private list(): string[] {
    this.position++;
    const values = [this.scalar()];
    while (this.text[this.position] === ",") {
      this.position++;
      values.push(this.scalar());
    }
    this.expect("]");
    return values;
  }

  private scalar(): string {
    if (this.text[this.position] === '"') return this.quoted();
    const value = this.readWhile((c) => !',()[]"'.includes(c));
    if (value.trim() === "") this.unexpected("a value");
    return value.trim();
  }

  private quoted(): string {
    let value = "";
    this.position++;
    while (this.position < this.text.length) {
      const c = this.text[this.position++]!;
      if (c === "\\") {
        const next = this.text[this.position++];
        if (next === undefined) break;
        value += next;
      } else if (c === '"') {
        return value;
      } else {
        value += c;
      }
    }
    fail("has a quoted value that is never closed");
  }

  private peekWord(): string {
    return /^[A-Za-z]+/.exec(this.text.slice(this.position))?.[0] ?? "";
  }

  private readWhile(accept: (c: string) => boolean): string {
    const start = this.position;
    while (this.position < this.text.length && accept(this.text[this.position]!)) this.position++;
    return this.text.slice(start, this.position);
  }

  private expect(token: string): void {
    this.skipSpaces();
    if (this.text[this.position] !== token) this.unexpected(`"${token}"`);
    this.position++;
  }

  skipSpaces(): void {
    while (this.text[this.position] === " ") this.position++;
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  unexpected(wanted?: string): never {
    const found = this.atEnd() ? "end of input" : `"${this.text[this.position]}"`;
    fail(`unexpected ${found} at position ${this.position + 1}${wanted ? `, expected ${wanted}` : ""}`);
  }
}
