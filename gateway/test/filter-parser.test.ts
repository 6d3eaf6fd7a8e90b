import { commonV1 } from "@crm/proto";
import { ValidationError } from "@crm/kit";
import { parseFilter } from "../src/query/filter-parser";

const { Comparator } = commonV1;
const errorOf = (text: string) => {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof ValidationError) return error.violations[0]?.description ?? "";
    throw error;
  }
  throw new Error(`"${text}" was accepted`);
};

describe("parseFilter", () => {
  it("parses nested groups, lists, dotted fields and quoted values", () => {
    expect(parseFilter('and(type[eq]:customer,or(address.country[in]:[PL,RO],name[startsWith]:"Smith, J"))')).toEqual({
      node: {
        $case: "and",
        and: {
          filters: [
            { node: { $case: "condition", condition: { field: "type", comparator: Comparator.COMPARATOR_EQ, values: ["customer"] } } },
            {
              node: {
                $case: "or",
                or: {
                  filters: [
                    { node: { $case: "condition", condition: { field: "address.country", comparator: Comparator.COMPARATOR_IN, values: ["PL", "RO"] } } },
                    { node: { $case: "condition", condition: { field: "name", comparator: Comparator.COMPARATOR_STARTS_WITH, values: ["Smith, J"] } } },
                  ],
                },
              },
            },
          ],
        },
      },
    });
    expect(parseFilter("score[gte]:50")).toEqual({
      node: { $case: "condition", condition: { field: "score", comparator: Comparator.COMPARATOR_GTE, values: ["50"] } },
    });
  });

  it.each([
    ["and(type[eq]:customer", /unexpected end of input at position 22, expected "\)"/],
    ["type[like]:x", /unknown comparator "like"/],
    ["type[eq]customer", /expected ":"/],
    ["type[eq]:", /expected a value/],
    ["country[in]:PL", /takes a list/],
    ["country[eq]:[PL,RO]", /takes a single value/],
    ["and()", /expected a field name/],
    ["type[eq]:a)", /unexpected "\)" at position 11/],
    ['name[eq]:"open', /never closed/],
    ["$where[eq]:1", /expected a field name/],
    ["a..b[eq]:1", /not a valid field name/],
  ])("rejects %s with a message that locates the problem", (text, message) => {
    expect(errorOf(text)).toMatch(message);
  });

  it("bounds nesting, conditions and values while parsing, before anything is encoded", () => {
    const nested = (depth: number) => "and(".repeat(depth - 1) + "a[eq]:1" + ")".repeat(depth - 1);
    expect(() => parseFilter(nested(6))).not.toThrow();
    expect(errorOf(nested(7))).toMatch(/nested deeper than 6 levels/);
    expect(errorOf(nested(49))).toMatch(/nested deeper than 6 levels/);
    expect(errorOf(`or(${Array(51).fill("a[eq]:1").join(",")})`)).toMatch(/more than 50 conditions/);
    expect(errorOf(`a[in]:[${Array(101).fill("x").join(",")}]`)).toMatch(/at most 100 values/);
  });

  it("bounds the length of a filter", () => {
    expect(errorOf(`or(${Array(600).fill("a[eq]:1").join(",")})`)).toMatch(/longer than/);
  });
});
