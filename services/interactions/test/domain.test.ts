import { uuidv7, ValidationError } from "@crm/kit";
import { countEngagement } from "../src/domain/engagement";
import { eraseFromInteraction, erasureSubject, namesOfSubject, scrubText } from "../src/domain/erasure";
import { prepareInteraction, type InteractionDraft, type InteractionFields } from "../src/domain/interaction";
import { resolvedRefs } from "../src/domain/links";
import { interactionSummary } from "../src/domain/summary";
import { overdueWatch, prepareTask } from "../src/domain/task";
import { searchQueryTokens, searchTokens } from "../src/domain/text-search";

const [ada, bob, eve] = [uuidv7(), uuidv7(), uuidv7()];

const draft = (fields: Partial<InteractionDraft>): InteractionDraft => ({
  occurredAt: new Date("2026-03-02T10:00:00Z"),
  ownerId: "",
  contactIds: [ada],
  organizationId: "",
  dealId: "",
  ticketId: "",
  subject: "",
  body: "",
  details: { kind: "note" },
  ...fields,
});

function violationsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error("accepted");
}

describe("prepareInteraction", () => {
  it("keeps free text as given, standardises codes and addresses, and defaults the owner to the writer", () => {
    const fields = prepareInteraction(
      draft({
        subject: "  Renewal   terms ",
        body: "Line one\n\n  Line two  ",
        details: { kind: "email", direction: " Inbound", threadId: "t-1", messageId: "<abc@mail.example>", fromAddress: "Ada@Example.COM", toAddresses: ["sales@corp.example", "SALES@corp.example"] },
      }),
      "user-1",
    );
    expect(fields).toMatchObject({ subject: "  Renewal   terms ", body: "Line one\n\n  Line two  ", ownerId: "user-1" });
    expect(fields.details).toEqual({ kind: "email", direction: "inbound", threadId: "t-1", messageId: "abc@mail.example", fromAddress: "ada@example.com", toAddresses: ["sales@corp.example"] });
  });

  it("reports every problem at once, under the API's field names", () => {
    const violations = violationsOf(() =>
      prepareInteraction(
        draft({
          contactIds: ["not-an-id"],
          dealId: "nope",
          details: { kind: "call", direction: "sideways", durationSeconds: -5, outcome: "maybe", recordingUrl: "ftp://x" },
        }),
        "u",
      ),
    );
    expect(violations.map((v) => v.field)).toEqual([
      "interaction.contactIds[0]",
      "interaction.dealId",
      "interaction.call.direction",
      "interaction.call.outcome",
      "interaction.call.durationSeconds",
      "interaction.call.recordingUrl",
    ]);
  });

  it("needs a contact and the details of one kind; a meeting cannot end before it starts; a web visit needs its page", () => {
    expect(violationsOf(() => prepareInteraction(draft({ contactIds: [], details: undefined }), "u"))).toEqual([
      { field: "interaction.contactIds", description: "needs at least one contact" },
      { field: "interaction.details", description: "give the details of one kind: call, email, meeting, note, message or webVisit" },
    ]);
    const meeting = { kind: "meeting" as const, endAt: new Date("2026-03-02T09:00:00Z"), attendees: [{ contactId: "", name: "", email: "" }], location: "", meetingUrl: "" };
    expect(violationsOf(() => prepareInteraction(draft({ details: meeting }), "u")).map((v) => v.field)).toEqual(["interaction.meeting.endTime", "interaction.meeting.attendees[0]"]);
    const visit = { kind: "web_visit" as const, pageUrl: "", pageTitle: "", referrer: "", campaign: "" };
    expect(violationsOf(() => prepareInteraction(draft({ details: visit }), "u"))).toEqual([{ field: "interaction.webVisit.pageUrl", description: "is required" }]);
    const social = { kind: "message" as const, channel: "social", network: "", handle: "@ada", direction: "inbound" };
    expect(violationsOf(() => prepareInteraction(draft({ details: social }), "u"))).toEqual([{ field: "interaction.message.network", description: "is required for a social message" }]);
  });
});

describe("search tokens", () => {
  it("finds free text by word prefixes, ignoring case and accents, and phone numbers by their digits", () => {
    const tokens = searchTokens(["Négociation avec ŁUKASZ", "call +48 601 234 567"]);
    for (const query of ["nego", "NÉGOCIATION", "luk", "lukasz avec", "48601234567", "+48 601 234 567", "1234567"]) {
      expect(searchQueryTokens(query).every((token) => tokens.includes(token))).toBe(true);
    }
    expect(searchQueryTokens("negotiations").every((token) => tokens.includes(token))).toBe(false);
  });

  it("refuses a search without a usable word", () => {
    expect(violationsOf(() => searchQueryTokens("a ! ?"))).toEqual([{ field: "search", description: "needs a word of at least 2 letters or digits" }]);
    expect(searchQueryTokens("   ")).toEqual([]);
  });
});

describe("summaries", () => {
  it("say what happened in one line, from structured fields and the subject, never the body", () => {
    const call = prepareInteraction(draft({ subject: "Pricing", body: "secret", details: { kind: "call", direction: "outbound", durationSeconds: 750, outcome: "connected", recordingUrl: "" } }), "u");
    expect(interactionSummary(call)).toBe("Outbound call, 13 min, connected: Pricing");
    const visit = prepareInteraction(draft({ details: { kind: "web_visit", pageUrl: "https://shop.example/pricing?x=1", pageTitle: "", referrer: "", campaign: "spring" } }), "u");
    expect(interactionSummary(visit)).toBe("Web visit (campaign spring): /pricing");
  });
});

describe("links", () => {
  it("follow a merged contact to its survivor once, and leave an erased one out", () => {
    const links = [{ type: "contact", id: ada }, { type: "contact", id: bob }, { type: "contact", id: eve }, { type: "deal", id: "d1" }];
    const resolution = new Map<string, string | null>([[bob, ada], [eve, null]]);
    expect(resolvedRefs(links, resolution)).toEqual([`contact:${ada}`, "deal:d1"]);
  });
});

describe("tasks", () => {
  const task = (fields: Partial<Parameters<typeof prepareTask>[0]> = {}) =>
    prepareTask({ title: " Call back ", notes: "", dueAt: new Date("2026-03-02T10:00:00Z"), assigneeId: "", priority: "", status: "", links: [{ type: "contact", id: ada }], ...fields }, "user-1");

  it("defaults priority, status and assignee, and refuses unknown codes and links", () => {
    expect(task()).toMatchObject({ title: "Call back", priority: "normal", status: "open", assigneeId: "user-1" });
    expect(violationsOf(() => task({ priority: "asap", dueAt: undefined, links: [{ type: "planet", id: "x" }] })).map((v) => v.field)).toEqual([
      "task.dueTime",
      "task.priority",
      "task.links[0].type",
      "task.links[0].id",
    ]);
  });

  it("is watched for its due time while open; an edit that leaves due time and status alone keeps the watch", () => {
    const open = task();
    expect(overdueWatch(undefined, open)).toEqual(open.dueAt);
    expect(overdueWatch(open, { ...open })).toBe("keep");
    const later = { ...open, dueAt: new Date("2026-03-03T10:00:00Z") };
    expect(overdueWatch(open, later)).toEqual(later.dueAt);
    expect(overdueWatch(open, { ...open, status: "completed" })).toBeUndefined();
    expect(overdueWatch({ ...open, status: "completed" }, open)).toEqual(open.dueAt);
  });
});

describe("engagement", () => {
  it("counts by kind in each window ending now, without what is planned for later", () => {
    const now = new Date("2026-06-30T12:00:00Z");
    const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000);
    const windows = countEngagement(
      [
        { kind: "call", occurredAt: daysAgo(1) },
        { kind: "email", occurredAt: daysAgo(20) },
        { kind: "email", occurredAt: daysAgo(60) },
        { kind: "meeting", occurredAt: daysAgo(200) },
        { kind: "note", occurredAt: daysAgo(400) },
        { kind: "meeting", occurredAt: daysAgo(-3) },
      ],
      now,
    );
    expect(windows).toEqual([
      { days: 30, counts: { call: 1, email: 1 }, total: 2 },
      { days: 90, counts: { call: 1, email: 2 }, total: 3 },
      { days: 365, counts: { call: 1, email: 2, meeting: 1 }, total: 4 },
    ]);
  });
});

describe("erasure", () => {
  const subject = erasureSubject([eve], ["eve@example.com"], ["+44 20 7946 0958"]);

  it("scrubs e-mail addresses and phone numbers in any common writing, and names as whole words (their parts where the subject is linked)", () => {
    const named = erasureSubject([eve], ["eve@example.com"], ["+44 20 7946 0958"], ["Eve  Example"]);
    const text = "Mail EVE@example.com or call 020 7946 0958 (Eve Example, not Steve; Eve)";
    expect(scrubText(text, named, true)).toBe("Mail [erased] or call [erased] ([erased], not Steve; [erased])");
    expect(scrubText(text, named, false)).toBe("Mail [erased] or call [erased] ([erased], not Steve; Eve)");
  });

  it("erases an interaction that concerns only the subject, and takes the subject out of a shared one", () => {
    const meeting: InteractionFields = prepareInteraction(
      draft({
        contactIds: [eve, bob],
        subject: "Kick-off with Eve Example",
        details: { kind: "meeting", attendees: [{ contactId: eve, name: "Eve Example", email: "eve@example.com" }, { contactId: bob, name: "Bob", email: "" }], location: "", meetingUrl: "", endAt: undefined },
      }),
      "u",
    );
    expect(eraseFromInteraction({ ...meeting, contactIds: [eve] }, subject)).toEqual({ outcome: "erase" });
    const known = erasureSubject([eve], subject.emails, subject.phones, namesOfSubject([meeting], subject));
    const result = eraseFromInteraction(meeting, known);
    expect(result.outcome).toBe("anonymise");
    if (result.outcome !== "anonymise") return;
    expect(result.fields).toMatchObject({ contactIds: [bob], subject: "Kick-off with [erased]" });
    expect(result.fields.details).toMatchObject({ attendees: [{ contactId: bob, name: "Bob" }] });
    expect(eraseFromInteraction(prepareInteraction(draft({ contactIds: [bob], body: "nothing about anyone" }), "u"), subject)).toEqual({ outcome: "untouched" });
  });
});
