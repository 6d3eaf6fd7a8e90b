import { PermissionDeniedError, PreconditionFailedError, ValidationError } from "@crm/kit";
import { anonymiseTicket, ERASED } from "../src/domain/erasure";
import { announceDue, escalationFor } from "../src/domain/escalation";
import { signFeedbackLink, verifyFeedbackLink } from "../src/domain/feedback";
import { changeTicket, commentOn, openTicket, withSla, type SlaSettings } from "../src/domain/lifecycle";
import { prepareSlaPolicy } from "../src/domain/sla-policy";
import { prepareNewTicket, type Ticket, type TicketDraft } from "../src/domain/ticket";

const draft = (fields: Partial<TicketDraft> = {}): TicketDraft => ({
  subject: "Printer on fire", description: "", channel: "", priority: "", category: "", status: "", assigneeId: "", team: "", tags: [],
  organizationId: "", organizationTier: "", dealId: "", productId: "", requester: { contactId: "c-1", email: "", phone: "", name: "" }, ...fields,
});
const at = (iso: string) => new Date(iso);
const requester = { requesterId: "c-1", requesterName: "Ada Lovelace", requesterEmail: "ada@example.com", requesterPhone: "+44 20 7946 0000" };
const open = (now = at("2026-03-02T08:00:00Z")): Ticket => openTicket({ id: "t-1", tenantId: "tenant", actor: "agent-1", now }, prepareNewTicket(draft()).fields, requester);
const violationsOf = (work: () => unknown) => {
  try {
    work();
  } catch (error) {
    if (error instanceof ValidationError) return error.violations;
    throw error;
  }
  throw new Error("accepted");
};

describe("a new ticket", () => {
  it("takes defaults and refuses what is wrong, every field at once", () => {
    expect(prepareNewTicket(draft()).fields).toMatchObject({ channel: "web", priority: "normal", status: "new" });
    expect(violationsOf(() => prepareNewTicket(draft({ subject: " ", channel: "fax", priority: "asap", status: "resolved", requester: undefined })))).toEqual([
      { field: "ticket.subject", description: "is required" },
      { field: "ticket.channel", description: "must be one of email, phone, web, chat" },
      { field: "ticket.priority", description: "must be one of low, normal, high, urgent" },
      { field: "ticket.requester", description: "is required: a contactId, or an email or phone to find or create the contact by" },
      { field: "ticket.status", description: "a new ticket starts as new or open" },
    ]);
  });
});

describe("the status workflow", () => {
  it("allows the transitions it lists and records them", () => {
    let ticket = open();
    for (const [status, time] of [["open", "09:00"], ["pending_customer", "10:00"], ["open", "11:00"], ["resolved", "12:00"], ["reopened", "13:00"], ["resolved", "14:00"], ["closed", "15:00"]] as const) {
      ticket = changeTicket(ticket, { status }, undefined, "agent-1", at(`2026-03-02T${time}:00Z`));
    }
    expect(ticket.statusLog.map((change) => change.status)).toEqual(["new", "open", "pending_customer", "open", "resolved", "reopened", "resolved", "closed"]);
    expect(ticket).toMatchObject({ reopenCount: 1, resolvedAt: at("2026-03-02T14:00:00Z"), version: 8 });
    expect(ticket.history.at(-1)).toMatchObject({ kind: "changed", changes: [{ field: "status", from: "resolved", to: "closed" }] });
  });

  it("refuses the others: back to new, resolved to open, anything after closed", () => {
    const resolved = changeTicket(open(), { status: "resolved" }, undefined, "a", at("2026-03-02T09:00:00Z"));
    expect(() => changeTicket(open(), { status: "reopened" }, undefined, "a", at("2026-03-02T09:00:00Z"))).toThrow(PreconditionFailedError);
    expect(() => changeTicket(resolved, { status: "open" }, undefined, "a", at("2026-03-02T10:00:00Z"))).toThrow("a resolved ticket cannot become open; it can become reopened, closed");
    const closed = changeTicket(resolved, { status: "closed" }, undefined, "a", at("2026-03-02T10:00:00Z"));
    expect(() => changeTicket(closed, { status: "reopened" }, undefined, "a", at("2026-03-02T11:00:00Z"))).toThrow(PreconditionFailedError);
    expect(() => commentOn(closed, { id: "c", body: "hello?", public: true, fromRequester: true, authorId: "x", requestKey: "" }, at("2026-03-02T11:00:00Z"))).toThrow("a closed ticket takes no comments");
  });
});

describe("comments", () => {
  it("an agent's first public reply is the first response and opens a new ticket; a customer's message reopens a resolved one", () => {
    const note = commentOn(open(), { id: "n", body: "internal", public: false, fromRequester: false, authorId: "agent-1", requestKey: "" }, at("2026-03-02T08:30:00Z"));
    expect(note.status).toBe("new");
    expect(note.firstResponseAt).toBeUndefined();
    const replied = commentOn(note, { id: "r", body: "On it", public: true, fromRequester: false, authorId: "agent-1", requestKey: "" }, at("2026-03-02T09:00:00Z"));
    expect(replied).toMatchObject({ status: "open", firstResponseAt: at("2026-03-02T09:00:00Z") });
    const asked = commentOn(replied, { id: "q", body: "Still broken", public: true, fromRequester: true, authorId: "c-1", requestKey: "" }, at("2026-03-02T10:00:00Z"));
    expect(asked.updateCycle).toEqual({ since: at("2026-03-02T10:00:00Z") });
    const answered = commentOn(asked, { id: "a", body: "Fixed", public: true, fromRequester: false, authorId: "agent-1", requestKey: "" }, at("2026-03-02T11:00:00Z"));
    expect(answered.updateCycle).toEqual({ since: at("2026-03-02T10:00:00Z"), answeredAt: at("2026-03-02T11:00:00Z") });
    const resolved = changeTicket(answered, { status: "resolved" }, undefined, "agent-1", at("2026-03-02T12:00:00Z"));
    const back = commentOn(resolved, { id: "b", body: "Broken again", public: true, fromRequester: true, authorId: "c-1", requestKey: "" }, at("2026-03-03T09:00:00Z"));
    expect(back).toMatchObject({ status: "reopened", reopenCount: 1, resolvedAt: undefined });
  });
});

describe("escalation", () => {
  const policy = {
    id: "p",
    ...prepareSlaPolicy({
      name: "24/7",
      targets: { normal: { firstResponseMinutes: 10, resolutionMinutes: 60 }, high: { firstResponseMinutes: 5, resolutionMinutes: 30 } },
      escalations: [
        { on: "warning", metrics: ["first_response"], notify: ["lead-1"] },
        { on: "breach", raisePriority: true, team: "tier-2", notify: ["lead-1", "manager"] },
      ] as never,
    }),
  };
  const settings: SlaSettings = { policies: [policy as never], calendars: new Map() };

  it("applies the matching rules: raise one step, re-assign, notify", () => {
    expect(escalationFor(policy.escalations, { kind: "breach", metric: "resolution" }, "urgent")).toEqual({ priorityFrom: "urgent", priorityTo: "urgent", assigneeId: "", team: "tier-2", notify: ["lead-1", "manager"] });
    expect(escalationFor(policy.escalations, { kind: "warning", metric: "resolution" }, "normal").notify).toEqual([]);
  });

  it("announces each alert once, with the breach's escalation and the SLA computed for the new priority", () => {
    const ticket = withSla(open(), settings, at("2026-03-02T08:00:00Z"));
    // Warning at 8 minutes (80% of 10): announced; nothing more until the breach at 10.
    const warned = announceDue(ticket, settings, at("2026-03-02T08:08:00Z"));
    expect(warned.announcements.map((a) => `${a.alert.metric}:${a.alert.kind}`)).toEqual(["first_response:warning"]);
    expect(announceDue(warned.ticket, settings, at("2026-03-02T08:09:00Z")).announcements).toEqual([]);
    const breached = announceDue(warned.ticket, settings, at("2026-03-02T08:10:00Z"));
    expect(breached.announcements.map((a) => `${a.alert.metric}:${a.alert.kind}`)).toEqual(["first_response:breach"]);
    expect(breached.ticket).toMatchObject({ priority: "high", team: "tier-2", version: 3 });
    // high: 30 minutes for resolution since the opening.
    expect(breached.ticket.sla.clocks.find((clock) => clock.metric === "resolution")?.dueAt).toEqual(at("2026-03-02T08:30:00Z"));
    expect(breached.ticket.sla.breached).toBe(true);
  });
});

describe("feedback links", () => {
  const key = "a-feedback-link-key-of-32-characters!!";
  const claims = { tenantId: "tenant", ticketId: "t-1", expiresAt: at("2026-03-10T00:00:00Z") };

  it("verifies what it signed, until it expires", () => {
    const token = signFeedbackLink(claims, key);
    expect(verifyFeedbackLink(token, key, at("2026-03-09T00:00:00Z"))).toEqual(claims);
    expect(() => verifyFeedbackLink(token, key, at("2026-03-10T00:00:00Z"))).toThrow(PermissionDeniedError);
    expect(() => verifyFeedbackLink(token, `${key}x`, at("2026-03-09T00:00:00Z"))).toThrow(PermissionDeniedError);
    const [body, signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ t: "tenant", k: "t-2", e: 1893456000 })).toString("base64url");
    expect(() => verifyFeedbackLink(`${forged}.${signature}`, key, at("2026-03-09T00:00:00Z"))).toThrow(PermissionDeniedError);
    expect(body).toBeTruthy();
  });
});

describe("erasure", () => {
  it("removes the requester's details and their messages, redacts mentions elsewhere, keeps the timing", () => {
    let ticket = commentOn(open(), { id: "q", body: "Call me on +44 20 7946 0000", public: true, fromRequester: true, authorId: "c-1", requestKey: "" }, at("2026-03-02T09:00:00Z"));
    ticket = commentOn(ticket, { id: "n", body: "Ada Lovelace (ada@example.com) is a VIP", public: false, fromRequester: false, authorId: "agent-1", requestKey: "" }, at("2026-03-02T09:30:00Z"));
    const erased = anonymiseTicket(ticket, { contactIds: ["c-1"], emails: ["ada@example.com"], phones: ["+44 20 7946 0000"], names: ["Ada Lovelace"] })!;
    expect(erased).toMatchObject({ requesterId: "", requesterName: "", requesterEmail: "", requesterPhone: "", statusLog: ticket.statusLog, createdAt: ticket.createdAt });
    expect(erased.comments.map((comment) => comment.body)).toEqual([ERASED, `${ERASED} (${ERASED}) is a VIP`]);
    expect(anonymiseTicket(ticket, { contactIds: ["someone-else"], emails: [], phones: [], names: [] })).toBeUndefined();
  });
});
