// Benchmark of the support-tickets service (scripts/bench-tickets.sh runs it). One tenant of
// TICKETS tickets (default 100 000), OPEN of them open (default 10 000), in a database kept for
// later runs (crm_support_tickets_bench_<TICKETS>; RESEED=1 seeds again). Prints figures; asserts nothing.
//  seed:   tickets built with the service's own domain code (opened, replied to, moved along the
//          workflow, their SLA computed under a business-hours policy) and stored in batches of
//          1 000 by its own repository (TicketRepository.createMany); over the last 60 days.
//  1. recalculation: the calendar changes (a holiday added) through the service's settings
//     repository, and the service's recalculation (SlaRecalculation: batches of 500, one bulk
//     write each) brings every open ticket's deadlines up to date, with its announcements reset
//     so that the scan below has work; its time to the end.
//  2. breach scan: the service's SLA scheduler (SlaScheduler, the one the process runs) starts on
//     that backlog: every warning and breach due is announced (outbox event, history, escalation)
//     once; its time until none is due, and an idle pass's queries after it (p50/p99).
//  3. queue (`tickets-bench.mjs queue`): ListTickets over gRPC of a service process running on the
//     database (SUPPORT_TICKETS_ADDRESS):
//     open tickets, by priority, first page of 50, READS times (p50/p99); and by SLA deadline.
import { createRequire } from "node:module";
import { callUnary, createGrpcClient, createLogger, identityKey, signIdentity, uuidv7 } from "@crm/kit";
import { commonV1, supportTicketsV1 } from "@crm/proto";

const require = createRequire(import.meta.url);
const dist = (path) => require(`../dist/${path}`);
const { connectMongo } = require("@crm/kit");
const { createTicketModel } = dist("store/ticket.model.js");
const { TicketRepository } = dist("store/ticket-repository.js");
const { createSlaPolicyModel } = dist("store/sla-policy.model.js");
const { createCalendarModel } = dist("store/calendar.model.js");
const { createRecalculationModel } = dist("store/recalculation.model.js");
const { createSchedulerLeaseModel } = dist("store/scheduler-lease.model.js");
const { SchedulerLeases } = dist("store/scheduler-leases.js");
const { SettingsRepository } = dist("store/settings-repository.js");
const { SlaSettingsReader } = dist("store/sla-settings.js");
const { SlaRecalculation } = dist("store/sla-recalculation.js");
const { SlaScheduler } = dist("events/sla-scheduler.js");
const { openTicket, changeTicket, commentOn, withSla } = dist("domain/lifecycle.js");
const { prepareSlaPolicy } = dist("domain/sla-policy.js");
const { prepareCalendar } = dist("domain/calendar.js");

const total = Number(process.env.TICKETS ?? 100_000);
const openCount = Number(process.env.OPEN ?? 10_000);
const reads = Number(process.env.READS ?? 200);
const tenantId = "bench";
const actor = { tenantId, subject: "bench" };
const identity = { subject: "bench", tenantId, roles: ["admin"], scopes: [] };
const DAY = 24 * 3600_000;
const HOUR = 3600_000;
const PRIORITIES = ["low", "normal", "normal", "normal", "high", "urgent"];

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const ms = (value) => `${value.toFixed(1)} ms`;
const report = (name, value) => console.log(`${name}: ${value}`);
const log = (message) => console.error(`[bench] ${message}`);

if (process.env.BENCH_DEBUG) require("mongoose").set("debug", (collection, method, ...args) => console.error(`[mongo] ${collection}.${method} ${JSON.stringify(args).slice(0, 150)}`));
const mongo = await connectMongo(process.env.MONGODB_URL, process.env.MONGODB_DATABASE);
const models = {
  ticket: await createTicketModel(mongo),
  policy: await createSlaPolicyModel(mongo),
  calendar: await createCalendarModel(mongo),
  recalculation: await createRecalculationModel(mongo),
  lease: await createSchedulerLeaseModel(mongo),
};
// Seeded tickets carry no events; the scheduler's announcements are not published here (no relay:
// the outbox is emptied after the scan).
const silentOutbox = { inserted() {}, changed() {} };
const tickets = new TicketRepository(models.ticket, silentOutbox);
const policies = new SettingsRepository(models.policy, "policy");
const calendars = new SettingsRepository(models.calendar, "calendar");
const settings = new SlaSettingsReader(policies, calendars);
const recalculation = new SlaRecalculation({ tickets, policies, calendars, settings, progress: models.recalculation });

let random = 42;
const rand = () => ((random = (random * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (values) => values[Math.floor(rand() * values.length)];

async function seed() {
  log(`seeding ${total} tickets (${openCount} open) into ${process.env.MONGODB_DATABASE}`);
  await mongo.dropDatabase();
  for (const model of Object.values(models)) await model.createIndexes();
  const calendar = await calendars.create(actor, prepareCalendar({ name: "Warsaw office", timeZone: "Europe/Warsaw", spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:00" })), holidays: ["2026-01-01", "2026-01-06", "2026-04-06", "2026-05-01"] }), "");
  await policies.create(actor, prepareSlaPolicy({
    name: "Standard", calendarId: calendar.id,
    targets: { low: { firstResponseMinutes: 480, resolutionMinutes: 2400 }, normal: { firstResponseMinutes: 240, nextUpdateMinutes: 240, resolutionMinutes: 960 }, high: { firstResponseMinutes: 60, nextUpdateMinutes: 120, resolutionMinutes: 480 }, urgent: { firstResponseMinutes: 30, nextUpdateMinutes: 60, resolutionMinutes: 240 } },
    escalations: [{ on: "breach", raisePriority: true, notify: ["support-lead"] }, { on: "warning", metrics: ["first_response"], notify: ["support-lead"] }],
  }), "");
  await policies.recalculated(tenantId, new Date());
  await calendars.recalculated(tenantId, new Date());
  const tenantSettings = await settings.of(tenantId);
  const now = Date.now();
  const started = Date.now();
  let batch = [];
  for (let i = 0; i < total; i++) {
    const open = i >= total - openCount;
    const openedAt = open ? now - rand() * 14 * DAY : now - 15 * DAY - rand() * 45 * DAY;
    const fields = { subject: `Bench ticket ${i}`, description: "Seeded by the benchmark", channel: pick(["email", "phone", "web", "chat"]), priority: pick(PRIORITIES), category: pick(["billing", "hardware", "access", "other"]), status: "new", assigneeId: `agent-${i % 40}`, team: `team-${i % 5}`, tags: [], organizationId: "", organizationTier: "", dealId: "", productId: "" };
    const requester = { requesterId: uuidv7(), requesterName: `Requester ${i}`, requesterEmail: `requester${i}@example.com`, requesterPhone: "" };
    let ticket = openTicket({ id: uuidv7(openedAt), tenantId, actor: "bench", now: new Date(openedAt) }, fields, requester);
    const step = (hours) => new Date(openedAt + hours * HOUR);
    if (!open || rand() < 0.5) ticket = commentOn(ticket, { id: uuidv7(), body: "Looking into it", public: true, fromRequester: false, authorId: fields.assigneeId, requestKey: "" }, step(1 + rand() * 6));
    if (open) {
      const status = pick(["new", "open", "open", "pending_customer", "on_hold"]);
      if (status !== ticket.status && status !== "new") ticket = changeTicket(ticket, { status }, undefined, "bench", step(8));
    } else {
      ticket = changeTicket(ticket, { status: "resolved" }, undefined, "bench", step(10 + rand() * 60));
      if (rand() < 0.1) ticket = commentOn(ticket, { id: uuidv7(), body: "Broken again", public: true, fromRequester: true, authorId: requester.requesterId, requestKey: "" }, step(80));
      if (ticket.status === "reopened") ticket = changeTicket(ticket, { status: "resolved" }, undefined, "bench", step(90));
      ticket = changeTicket(ticket, { status: "closed" }, undefined, "bench", step(160));
    }
    batch.push(withSla(ticket, tenantSettings, new Date(now)));
    if (batch.length === 1_000 || i === total - 1) {
      await tickets.createMany(batch);
      batch = [];
      if ((i + 1) % 10_000 === 0) log(`${i + 1} tickets stored (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
  }
  report("seed", `${total} tickets (${openCount} open) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const phase = process.argv[2] ?? "store";
if (phase === "queue") {
  await queuePhase();
  await mongo.close();
  process.exit(0);
}

const stored = await models.ticket.countDocuments({ tenantId });
if (process.env.RESEED === "1" || stored !== total) await seed();
else log(`reusing ${stored} tickets in ${process.env.MONGODB_DATABASE} (RESEED=1 seeds again)`);
const openNow = await models.ticket.countDocuments({ tenantId, open: true });

// 1. Recalculation after a calendar change, the announcements reset so the scan has its backlog.
log(`${openNow} open tickets: resetting their announcements`);
await models.ticket.updateMany({ tenantId, open: true }, { $set: { "sla.announced": [] } });
const [calendar] = await calendars.all(tenantId);
const holiday = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
const holidays = calendar.holidays.includes(holiday) ? calendar.holidays.filter((date) => date !== holiday) : [...calendar.holidays, holiday];
log("changing the calendar, recalculating");
const recalcStarted = performance.now();
await calendars.update(actor, calendar, { name: calendar.name, timeZone: calendar.timeZone, spans: calendar.spans, holidays });
const steps = await recalculation.runAll();
const recalcMs = performance.now() - recalcStarted;
report("recalculation after a calendar change", `${openNow} open tickets in ${(recalcMs / 1000).toFixed(2)} s (${(openNow / (recalcMs / 1000)).toFixed(0)} tickets/s, ${steps} batches of at most 500)`);

// 2. Breach scan: the service's scheduler on that backlog, until nothing is due.
log("breach scan");
const dueBefore = await models.ticket.collection.countDocuments({ slaWatchAt: { $lte: new Date() } });
await models.lease.deleteMany({});
const scheduler = new SlaScheduler({ tickets, settings, recalculation, leases: new SchedulerLeases(models.lease), log: createLogger("bench", "warn"), pollMs: 100, leaseMs: 5_000 });
const scanStarted = performance.now();
scheduler.start();
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 50));
  if ((await models.ticket.collection.countDocuments({ slaWatchAt: { $lte: new Date() } })) === 0) break;
}
const scanMs = performance.now() - scanStarted;
await scheduler.stop();
const announced = await models.ticket.countDocuments({ tenantId, outboxSince: { $exists: true } });
report("breach scan (scheduler pass over the backlog)", `${dueBefore} tickets with alerts due, ${announced} announced and escalated in ${(scanMs / 1000).toFixed(2)} s (${(dueBefore / (scanMs / 1000)).toFixed(0)} tickets/s)`);
const idle = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  await tickets.dueForAlerts(new Date(), 100);
  await tickets.nextWatchAt();
  idle.push(performance.now() - started);
}
report("breach scan, idle pass (due query and next wake-up) p50/p99", `${ms(percentile(idle, 50))} / ${ms(percentile(idle, 99))}`);
await models.ticket.updateMany({ tenantId, outboxSince: { $exists: true } }, { $set: { outbox: [] }, $unset: { outboxSince: "" } });

await mongo.close();

// 3. The queue over gRPC (the second run of this script, once the service runs on the database).
async function queuePhase() {
const client = createGrpcClient(supportTicketsV1.SupportTicketsServiceClient, process.env.SUPPORT_TICKETS_ADDRESS);
const token = await signIdentity(identity, identityKey(process.env.IDENTITY_SIGNING_KEY));
const settingsOf = { identityToken: token, timeoutMs: 30_000, retry: false };
const openFilter = { node: { $case: "condition", condition: { field: "open", comparator: commonV1.Comparator.COMPARATOR_EQ, values: ["true"] } } };
async function queue(field, descending) {
  const request = supportTicketsV1.ListTicketsRequest.fromPartial({ filter: openFilter, orderBy: [{ field, descending }], page: { pageSize: 50 } });
  const times = [];
  let first;
  for (let i = 0; i < reads + 10; i++) {
    const started = performance.now();
    const response = await callUnary(client.listTickets.bind(client), request, settingsOf);
    if (i >= 10) times.push(performance.now() - started);
    first ??= response;
  }
  return { times, first };
}
const byPriority = await queue("priorityRank", true);
report("queue: open tickets by priority, first page of 50, p50/p99", `${ms(percentile(byPriority.times, 50))} / ${ms(percentile(byPriority.times, 99))} (${byPriority.first.tickets.length} tickets, first ${byPriority.first.tickets[0]?.priority})`);
const byDeadline = await queue("slaDueAt", false);
report("queue: open tickets by SLA deadline, first page of 50, p50/p99", `${ms(percentile(byDeadline.times, 50))} / ${ms(percentile(byDeadline.times, 99))}`);
client.close();
}
