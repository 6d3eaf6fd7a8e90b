import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, SchedulerLeases, uuidv7 } from "@crm/kit";
import { commonV1, eventsV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { api, grpcError, startTestService, tenant, timelineWhen, type TestService } from "./support";

// Waits on consumers that lag under a full run: four minutes a test (support.ts, timelineWhen).
jest.setTimeout(240_000);

// Tasks, and their overdue announcements with two replicas of the service on one database, each
// asking for the scheduler's lease every 100 ms (a lease of 1 s): the short test clock.
let first: TestService;
let second: TestService;
let calls: ReturnType<typeof api>;
let published: EventWatcher;

beforeAll(async () => {
  first = await startTestService("tasks");
  second = await startTestService("tasks", { replicaOf: first.database });
  calls = api(first);
  published = await EventWatcher.start("crm.interactions.task.>");
});
afterAll(async () => {
  await published?.stop();
  await second?.stop();
  await first?.stop();
});

const inMs = (ms: number) => new Date(Date.now() + ms);
const overdueOf = (taskId: string) => published.seen((e) => e.subject === "crm.interactions.task.overdue" && eventsV1.TaskOverdue.decode(e.payload).taskId === taskId);
const announcement = (taskId: string, timeoutMs = 10_000) =>
  published.next((e) => e.subject === "crm.interactions.task.overdue" && eventsV1.TaskOverdue.decode(e.payload).taskId === taskId, timeoutMs);

describe("tasks", () => {
  it("creates a follow-up linked to records, lists it by link, status and due time, and completes it onto the timeline", async () => {
    const t = tenant("tasks");
    const [ada, deal] = [uuidv7(), uuidv7()];
    const links = [{ type: "contact", id: ada }, { type: "deal", id: deal }];
    const later = await calls.createTask(t, { title: "Send the proposal", dueTime: inMs(3 * 24 * 3600_000), priority: "high", links });
    const sooner = await calls.createTask(t, { title: "Call back", dueTime: inMs(24 * 3600_000), links: [links[0]!] });
    expect(later).toMatchObject({ status: "open", priority: "high", assigneeId: t.subject, overdue: false, links, etag: 'W/"1"' });

    const byDeal = { node: { $case: "condition" as const, condition: { field: "dealId", comparator: commonV1.Comparator.COMPARATOR_EQ, values: [deal] } } };
    expect((await calls.listTasks(t, { filter: byDeal })).tasks.map((task) => task.title)).toEqual(["Send the proposal"]);
    expect((await calls.listTasks(t, {})).tasks.map((task) => task.title)).toEqual(["Call back", "Send the proposal"]);

    const done = await calls.updateTask(t, { id: sooner.id, etag: sooner.etag, updateMask: ["status"], task: { status: "completed" } as never });
    expect(done).toMatchObject({ status: "completed", etag: 'W/"2"' });
    expect(done.completeTime).toBeInstanceOf(Date);
    const completed = await published.next((e) => e.subject === "crm.interactions.task.completed" && eventsV1.TaskChanged.decode(e.payload).taskId === sooner.id);
    expect(eventsV1.TaskChanged.decode(completed.payload)).toMatchObject({ title: "Call back", status: "completed", version: 2 });
    const feed = await timelineWhen(() => calls.timeline(t, { type: "contact", id: ada }), (entries) => entries.length === 1);
    expect(feed[0]).toMatchObject({ kind: "task.completed", summary: "Task completed: Call back", about: { type: "task", id: sooner.id } });
    expect((await grpcError(calls.updateTask(t, { id: sooner.id, etag: sooner.etag, updateMask: ["title"], task: { title: "x" } as never }))).code).toBe(Status.FAILED_PRECONDITION);
  });

  it("refuses a task without a title or due time, naming the fields", async () => {
    const invalid = await grpcError(calls.createTask(tenant("invalid"), { title: " ", priority: "whenever" }));
    expect(fieldViolationsOf(invalid).map((v) => v.field)).toEqual(["task.title", "task.dueTime", "task.priority"]);
  });

  it("announces a task that falls overdue once, with two replicas running, and again only when it is given a new due time", async () => {
    const t = tenant("overdue");
    const task = await calls.createTask(t, { title: "Chase the invoice", dueTime: inMs(400), links: [{ type: "contact", id: uuidv7() }] });
    const event = eventsV1.TaskOverdue.decode((await announcement(task.id)).payload);
    expect(event).toMatchObject({ title: "Chase the invoice", assigneeId: t.subject, dueTime: task.dueTime });
    expect(event.meta?.occurTime!.getTime()).toBeGreaterThanOrEqual(task.dueTime!.getTime());
    // Both replicas keep polling; an edit that leaves the due time alone announces nothing more.
    const edited = await calls.updateTask(t, { id: task.id, updateMask: ["title"], task: { title: "Chase the invoice (again)" } as never });
    expect(edited.overdue).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(overdueOf(task.id)).toHaveLength(1);

    await calls.updateTask(t, { id: task.id, updateMask: ["dueTime"], task: { dueTime: inMs(300) } as never });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(overdueOf(task.id)).toHaveLength(2);
  });

  it("keeps announcing after the replica holding the lease stops: the other takes it over", async () => {
    const t = tenant("takeover");
    const lease = await first.service.models.schedulerLease.findOne({ _id: "task-overdue" }).lean();
    const [holder, other] = lease?.owner === second.service.scheduler.owner ? [second, first] : [first, second];
    const task = await api(other).createTask(t, { title: "After the restart", dueTime: inMs(1_000) });
    await holder.service.scheduler.stop();
    await announcement(task.id, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(overdueOf(task.id)).toHaveLength(1);
    expect((await first.service.models.schedulerLease.findOne({ _id: "task-overdue" }).lean())?.owner).toBe(other.service.scheduler.owner);
  });

  it("announces a task read by two schedulers at once only once: the announcement is conditional on the task still waiting", async () => {
    const t = tenant("race");
    await first.service.scheduler.stop();
    await second.service.scheduler.stop();
    const task = await calls.createTask(t, { title: "Raced", dueTime: inMs(-1_000) });
    const tasks = first.service.deps.tasks;
    const [read] = (await tasks.dueForAnnouncement(new Date(), 1_000)).filter((due) => due._id === task.id);
    const outcomes = await Promise.all([tasks.announceOverdue(read!, new Date()), tasks.announceOverdue(read!, new Date())]);
    expect(outcomes.sort()).toEqual([false, true]);
    await announcement(task.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(overdueOf(task.id)).toHaveLength(1);
  });

  it("leases the scheduler to one replica at a time, until it is released or runs out", async () => {
    const leases = new SchedulerLeases(first.service.models.schedulerLease);
    const job = `test-${uuidv7()}`;
    expect(await leases.claim(job, "a", 60_000)).toBe(true);
    expect(await leases.claim(job, "b", 60_000)).toBe(false);
    expect(await leases.claim(job, "a", 60_000)).toBe(true);
    await leases.release(job, "a");
    expect(await leases.claim(job, "b", 200)).toBe(true);
    expect(await leases.claim(job, "a", 60_000)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await leases.claim(job, "a", 60_000)).toBe(true);
  });
});
