import { appendToOutbox, escapeRegex, NotFoundError, PreconditionFailedError, TenantRepository, newRecordAudit, uuidv7, type Actor, type ListQuery, type ModelOutbox, type OutboxEvent, type Page } from "@crm/kit";
import type { UpdateQuery } from "mongoose";
import { contactIdsOf, resolvedRefs, type ContactResolution } from "../domain/links";
import { DEFAULT_TASK_ORDER, TASK_LIST_FIELDS } from "../domain/list-fields";
import { completionTime, overdueWatch, type Task, type TaskFields } from "../domain/task";
import { taskChanged, taskOverdue } from "../events/task-events";
import type { ContactFates } from "./contact-fates";
import { settleContactLinks, type ContactLinkedCollection } from "./contact-links";
import type { TaskDocument, TaskModel } from "./task.model";

/** A task waiting for its overdue announcement, as the scheduler reads it (across tenants). */
export type DueTask = TaskDocument & { overdueAt: Date };

/**
 * The only code that reads and writes tasks: scoped to a tenant, each write with its events, and
 * the queue the overdue scheduler works through (`overdueAt`, set while an announcement is due).
 */
export class TaskRepository extends TenantRepository<TaskDocument> {
  constructor(
    model: TaskModel,
    outbox: ModelOutbox,
    private readonly fates: ContactFates,
  ) {
    super(model, outbox);
  }

  async create(actor: Actor, fields: TaskFields, requestId: string): Promise<Task> {
    const now = new Date();
    const task: Task = { ...fields, id: uuidv7(now.getTime()), tenantId: actor.tenantId, completedAt: completionTime(undefined, fields.status, now), ...newRecordAudit(actor, now) };
    const watch = overdueWatch(undefined, fields);
    const { refs, resolution } = await this.refsOf(actor.tenantId, fields);
    const document = { ...toDocument(task), refs, requestKey: requestId || task.id, ...(watch instanceof Date ? { overdueAt: watch } : {}) };
    const stored = await this.insertOnce(document, [taskChanged("created", task)], now);
    await settleContactLinks(this.contactLinks, this.fates, actor.tenantId, contactIdsOf(fields.links), resolution);
    return toTask(stored);
  }

  async get(tenantId: string, id: string): Promise<Task> {
    const document = await this.findDocument(tenantId, id);
    if (!document) throw new NotFoundError(`task ${id} not found`);
    return toTask(document);
  }

  async list(tenantId: string, query: ListQuery): Promise<Page<Task>> {
    const page = await this.page(tenantId, query, { fields: TASK_LIST_FIELDS, defaultOrder: DEFAULT_TASK_ORDER });
    return { items: page.items.map(toTask), pageInfo: page.pageInfo };
  }

  /**
   * Writes the task's new fields at the version read, with task.updated (and task.completed when
   * it was just completed). A new due time, or a task reopened, is watched for being overdue again.
   */
  async update(actor: Actor, current: Task, fields: TaskFields, changedFields: string[]): Promise<Task> {
    const now = new Date();
    const next: Task = { ...current, ...fields, completedAt: completionTime(current, fields.status, now), updatedAt: now, updatedBy: actor.subject, version: current.version + 1 };
    const justCompleted = next.status === "completed" && current.status !== "completed";
    const events = [taskChanged("updated", next, changedFields), ...(justCompleted ? [taskChanged("completed", next, changedFields)] : [])];
    await this.write(current, next, events, overdueWatch(current, fields));
    return next;
  }

  /** The task after erasure took its subject out of its links and text; no new overdue announcement. */
  async anonymise(current: Task, fields: TaskFields): Promise<void> {
    const next: Task = { ...current, ...fields, updatedAt: new Date(), updatedBy: "service:interactions", version: current.version + 1 };
    await this.write(current, next, [taskChanged("updated", next, ["links", "title", "notes"])], "keep");
  }

  /** Tasks linking to any of these contacts (as given), or whose title or notes mention any of these texts. */
  async linkedToOrMentioning(tenantId: string, contactIds: string[], mentions: string[]): Promise<Task[]> {
    const patterns = mentions.map((text) => ({ $regex: escapeRegex(text), $options: "i" }));
    const conditions = [
      ...(contactIds.length > 0 ? [{ "links.id": { $in: contactIds } }] : []),
      ...patterns.flatMap((pattern) => [{ title: pattern }, { notes: pattern }]),
    ];
    if (conditions.length === 0) return [];
    return (await this.model.find({ tenantId, $or: conditions }, { outbox: 0 }).lean<TaskDocument[]>()).map(toTask);
  }

  /** The earliest due time still to be announced, in any tenant, to sleep until it. */
  async nextOverdueAt(): Promise<Date | undefined> {
    // Across tenants on purpose (the scheduler serves them all): the raw collection, as the outbox relay does.
    const [next] = await this.model.collection.find({ overdueAt: { $gte: new Date(0) } }, { projection: { overdueAt: 1 } }).sort({ overdueAt: 1 }).limit(1).toArray();
    return (next?.overdueAt as Date | undefined) ?? undefined;
  }

  /** Tasks, in any tenant, whose due time has come and is not announced yet: oldest first. */
  async dueForAnnouncement(now: Date, limit: number): Promise<DueTask[]> {
    return (await this.model.collection.find({ overdueAt: { $lte: now } }, { projection: { outbox: 0 } }).sort({ overdueAt: 1 }).limit(limit).toArray()) as unknown as DueTask[];
  }

  /**
   * Announces a task as overdue: task.overdue into its outbox and its watch cleared, in one
   * update on the condition that the watch is still the one read. Of two schedulers that read the
   * same task, one announces it; a task changed meanwhile (completed, postponed) is not announced.
   */
  async announceOverdue(task: DueTask, now: Date): Promise<boolean> {
    const event = taskOverdue(toTask(task), now);
    const result = await this.model.updateOne({ _id: task._id, tenantId: task.tenantId, overdueAt: task.overdueAt }, { $unset: { overdueAt: "" }, ...appendToOutbox([event], now) });
    if (result.modifiedCount === 0) return false;
    this.outbox.changed(task._id);
    return true;
  }

  get contactLinks(): ContactLinkedCollection<TaskDocument> {
    return { model: this.model, contactPath: "links.id", projection: { links: 1 }, linksOf: (document) => document.links };
  }

  private async write(current: Task, next: Task, events: OutboxEvent[], watch: Date | undefined | "keep"): Promise<void> {
    const { _id, tenantId, createdAt: _c, createdBy: _cb, completedAt, ...fields } = toDocument(next);
    const { refs, resolution } = await this.refsOf(tenantId, next);
    const update: UpdateQuery<TaskDocument> = { $set: { ...fields, refs, ...(completedAt ? { completedAt } : {}), ...(watch instanceof Date ? { overdueAt: watch } : {}) } };
    const unset = { ...(completedAt ? {} : { completedAt: "" }), ...(watch === undefined ? { overdueAt: "" } : {}) };
    if (Object.keys(unset).length > 0) update.$unset = unset;
    if (!(await this.updateAtVersion(tenantId, _id, current.version, update, events, next.updatedAt))) {
      throw new PreconditionFailedError(`task ${_id} changed since it was read; read it again`);
    }
    await settleContactLinks(this.contactLinks, this.fates, tenantId, contactIdsOf(next.links), resolution);
  }

  private async refsOf(tenantId: string, fields: Pick<TaskFields, "links">): Promise<{ refs: string[]; resolution: ContactResolution }> {
    const resolution = await this.fates.resolve(tenantId, contactIdsOf(fields.links));
    return { refs: resolvedRefs(fields.links, resolution), resolution };
  }
}

function toDocument(task: Task): Omit<TaskDocument, "refs" | "requestKey" | "outbox" | "outboxSince"> {
  const { id, completedAt, ...rest } = task;
  return { ...rest, _id: id, ...(completedAt ? { completedAt } : {}) };
}

export function toTask(document: Partial<TaskDocument> & Pick<TaskDocument, "_id">): Task {
  const { _id, refs: _refs, overdueAt: _watch, requestKey: _key, outbox: _outbox, outboxSince: _since, ...fields } = document;
  return { ...(fields as Omit<Task, "id">), id: _id };
}
