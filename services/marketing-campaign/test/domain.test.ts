import { ValidationError } from "@crm/kit";
import { prepareCampaign } from "../src/domain/campaign";

/** The violations a draft is refused with. */
function violationsOf(name: string) {
  try {
    prepareCampaign({ name });
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error(`"${name}" was accepted`);
}

describe("prepareCampaign", () => {
  it("tidies the name's spacing", () => {
    expect(prepareCampaign({ name: "  North \t  region " })).toEqual({ name: "North region" });
  });

  it("refuses a blank or an overlong name, naming the field", () => {
    expect(violationsOf(" \n ")).toEqual([{ field: "campaign.name", description: "is required" }]);
    expect(violationsOf("x".repeat(201))).toEqual([{ field: "campaign.name", description: "must be at most 200 characters" }]);
  });
});
