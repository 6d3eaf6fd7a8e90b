import { ValidationError } from "@crm/kit";
import { prepareLead } from "../src/domain/lead";

/** The violations a draft is refused with. */
function violationsOf(name: string) {
  try {
    prepareLead({ name });
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error(`"${name}" was accepted`);
}

describe("prepareLead", () => {
  it("tidies the name's spacing", () => {
    expect(prepareLead({ name: "  North \t  region " })).toEqual({ name: "North region" });
  });

  it("refuses a blank or an overlong name, naming the field", () => {
    expect(violationsOf(" \n ")).toEqual([{ field: "lead.name", description: "is required" }]);
    expect(violationsOf("x".repeat(201))).toEqual([{ field: "lead.name", description: "must be at most 200 characters" }]);
  });
});
