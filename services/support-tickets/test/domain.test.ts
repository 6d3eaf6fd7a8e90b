import { ValidationError } from "@crm/kit";
import { prepareTicket } from "../src/domain/ticket";

/** The violations a draft is refused with. */
function violationsOf(name: string) {
  try {
    prepareTicket({ name });
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error(`"${name}" was accepted`);
}

describe("prepareTicket", () => {
  it("tidies the name's spacing", () => {
    expect(prepareTicket({ name: "  North \t  region " })).toEqual({ name: "North region" });
  });

  it("refuses a blank or an overlong name, naming the field", () => {
    expect(violationsOf(" \n ")).toEqual([{ field: "ticket.name", description: "is required" }]);
    expect(violationsOf("x".repeat(201))).toEqual([{ field: "ticket.name", description: "must be at most 200 characters" }]);
  });
});
