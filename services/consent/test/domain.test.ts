import { ValidationError } from "@crm/kit";
import { preparePurpose } from "../src/domain/purpose";

/** The violations a draft is refused with. */
function violationsOf(name: string) {
  try {
    preparePurpose({ name });
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error(`"${name}" was accepted`);
}

describe("preparePurpose", () => {
  it("tidies the name's spacing", () => {
    expect(preparePurpose({ name: "  North \t  region " })).toEqual({ name: "North region" });
  });

  it("refuses a blank or an overlong name, naming the field", () => {
    expect(violationsOf(" \n ")).toEqual([{ field: "purpose.name", description: "is required" }]);
    expect(violationsOf("x".repeat(201))).toEqual([{ field: "purpose.name", description: "must be at most 200 characters" }]);
  });
});
