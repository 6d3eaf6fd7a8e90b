import { commonV1 } from "@crm/proto";
import { ValidationError, toMongoFilter, type FieldSpecs } from "../src";

const { Comparator } = commonV1;
const fields: FieldSpecs = {
  type: { path: "relationshipType", type: "enum", values: ["customer", "prospect"] },
  country: { path: "address.country", type: "string", normalise: (v) => v.toUpperCase() },
  score: { path: "score", type: "number" },
  createdAt: { path: "createdAt", type: "date" },
  vip: { path: "vip", type: "boolean" },
};
const condition = (field: string, comparator: commonV1.Comparator, values: string[]): commonV1.Filter => ({
  node: { $case: "condition", condition: { field, comparator, values } },
});
const violationOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations[0];
    throw error;
  }
  throw new Error("expected a ValidationError");
};

describe("toMongoFilter", () => {
  it("translates a nested tree into allow-listed paths with typed values", () => {
    const filter: commonV1.Filter = {
      node: {
        $case: "and",
        and: {
          filters: [
            condition("type", Comparator.COMPARATOR_EQ, ["customer"]),
            {
              node: {
                $case: "or",
                or: {
                  filters: [
                    condition("country", Comparator.COMPARATOR_IN, ["pl", "ro"]),
                    condition("score", Comparator.COMPARATOR_GTE, ["50"]),
                  ],
                },
              },
            },
          ],
        },
      },
    };
    expect(toMongoFilter(filter, fields)).toEqual({
      $and: [{ relationshipType: "customer" }, { $or: [{ "address.country": { $in: ["PL", "RO"] } }, { score: { $gte: 50 } }] }],
    });
  });

  it("converts dates and booleans and treats exists as true/false", () => {
    expect(toMongoFilter(condition("createdAt", Comparator.COMPARATOR_LT, ["2026-01-01"]), fields)).toEqual({
      createdAt: { $lt: new Date("2026-01-01") },
    });
    expect(toMongoFilter(condition("vip", Comparator.COMPARATOR_NEQ, ["true"]), fields)).toEqual({ vip: { $ne: true } });
    expect(toMongoFilter(condition("score", Comparator.COMPARATOR_EXISTS, ["false"]), fields)).toEqual({ score: { $exists: false } });
  });

  it("escapes startsWith so client text is never a regular expression", () => {
    expect(toMongoFilter(condition("country", Comparator.COMPARATOR_STARTS_WITH, ["a.*("]), fields)).toEqual({
      "address.country": { $regex: "^A\\.\\*\\(" },
    });
  });

  it("rejects fields outside the allow-list, operators smuggled as field names and bad values", () => {
    expect(violationOf(() => toMongoFilter(condition("password", Comparator.COMPARATOR_EQ, ["x"]), fields))?.field).toBe("filter.password");
    expect(violationOf(() => toMongoFilter(condition("$where", Comparator.COMPARATOR_EQ, ["1"]), fields))?.field).toBe("filter.$where");
    expect(violationOf(() => toMongoFilter(condition("__proto__", Comparator.COMPARATOR_EQ, ["1"]), fields))?.field).toBe("filter.__proto__");
    expect(violationOf(() => toMongoFilter(condition("score", Comparator.COMPARATOR_GT, ["lots"]), fields))?.description).toMatch(/not a number/);
    expect(violationOf(() => toMongoFilter(condition("createdAt", Comparator.COMPARATOR_GT, ["yesterday"]), fields))?.description).toMatch(/ISO 8601/);
    expect(violationOf(() => toMongoFilter(condition("type", Comparator.COMPARATOR_EQ, ["friend"]), fields))?.description).toMatch(/one of/);
    expect(violationOf(() => toMongoFilter(condition("type", Comparator.COMPARATOR_GT, ["customer"]), fields))?.description).toMatch(/cannot be compared/);
    expect(violationOf(() => toMongoFilter(condition("score", Comparator.COMPARATOR_EQ, ["1", "2"]), fields))?.description).toMatch(/exactly one/);
  });

  it("bounds the depth of the tree", () => {
    let filter = condition("score", Comparator.COMPARATOR_EQ, ["1"]);
    for (let i = 0; i < 10; i++) filter = { node: { $case: "and", and: { filters: [filter] } } };
    expect(violationOf(() => toMongoFilter(filter, fields))?.description).toMatch(/nested deeper/);
  });
});
