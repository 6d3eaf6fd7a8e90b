import { ValidationError } from "@crm/kit";
import { prepareInteraction } from "../src/domain/interaction";

/** The violations a draft is refused with. */
function violationsOf(name: string) {
  try {
    prepareInteraction({ name });
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error(`"${name}" was accepted`);
}

describe("prepareInteraction", () => {
  it("tidies the name's spacing", () => {
    expect(prepareInteraction({ name: "  North \t  region " })).toEqual({ name: "North region" });
  });

  it("refuses a blank or an overlong name, naming the field", () => {
    expect(violationsOf(" \n ")).toEqual([{ field: "interaction.name", description: "is required" }]);
    expect(violationsOf("x".repeat(201))).toEqual([{ field: "interaction.name", description: "must be at most 200 characters" }]);
  });
});
