import { ValidationError, type FieldViolation, type RecordAudit } from "@crm/kit";
import { linkViolations, uniqueLinks, type RecordRef } from "./links";

export const TASK_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const TASK_STATUSES = ["open", "in_progress", "completed", "cancelled"] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];
export type TaskStatus = (typeof TASK_STATUSES)[number];

const MAX_TITLE = 300;
const MAX_NOTES = 10_000;
const MAX_LINKS = 20;
const MAX_ASSIGNEE = 100;

/** What a client writes; empty priority and status take their defaults. */
export interface TaskDraft {
  title: string;
  notes: string;
  dueAt: Date | undefined;
  assigneeId: string;
  priority: string;
  status: string;
  links: RecordRef[];
}

export interface TaskFields {
  title: string;
  notes: string;
  dueAt: Date;
  assigneeId: string;
  priority: TaskPriority;
  status: TaskStatus;
  links: RecordRef[];
}

export interface Task extends TaskFields, RecordAudit {
  id: string;
  tenantId: string;
  /** When it was last completed; cleared when it is reopened. */
  completedAt?: Date | undefined;
}

export const TASK_FIELD_NAMES = ["title", "notes", "dueTime", "assigneeId", "priority", "status", "links"] as const;
export type TaskFieldName = (typeof TASK_FIELD_NAMES)[number];

/** The rules every write follows: a title, known priority and status, links to records of this platform. */
export function prepareTask(draft: TaskDraft, writer: string): TaskFields {
  const violations: FieldViolation[] = [];
  const fail = (field: string, description: string) => violations.push({ field: `task.${field}`, description });
  const title = draft.title.replace(/\s+/g, " ").trim();
  if (!title) fail("title", "is required");
  if (title.length > MAX_TITLE) fail("title", `must be at most ${MAX_TITLE} characters`);
  if (draft.notes.length > MAX_NOTES) fail("notes", `must be at most ${MAX_NOTES} characters`);
  if (!draft.dueAt) fail("dueTime", "is required: a follow-up has a due time");
  else if (Number.isNaN(draft.dueAt.getTime())) fail("dueTime", "is not a time");
  const assigneeId = draft.assigneeId.trim() || writer;
  if (assigneeId.length > MAX_ASSIGNEE) fail("assigneeId", `must be at most ${MAX_ASSIGNEE} characters`);
  const priority = draft.priority.trim().toLowerCase() || "normal";
  if (!(TASK_PRIORITIES as readonly string[]).includes(priority)) fail("priority", `must be one of: ${TASK_PRIORITIES.join(", ")}`);
  const status = draft.status.trim().toLowerCase() || "open";
  if (!(TASK_STATUSES as readonly string[]).includes(status)) fail("status", `must be one of: ${TASK_STATUSES.join(", ")}`);
  const links = uniqueLinks(draft.links.map((link) => ({ type: link.type.trim().toLowerCase(), id: link.id.trim() })));
  violations.push(...linkViolations(links, "task.links", MAX_LINKS));
  if (violations.length > 0) throw new ValidationError(violations);
  return { title, notes: draft.notes, dueAt: draft.dueAt!, assigneeId, priority: priority as TaskPriority, status: status as TaskStatus, links };
}

export const isOpen = (status: TaskStatus): boolean => status === "open" || status === "in_progress";

/** Open, and past its due time. */
export function isOverdue(task: Pick<TaskFields, "status" | "dueAt">, now: Date): boolean {
  return isOpen(task.status) && task.dueAt.getTime() < now.getTime();
}

/**
 * When the overdue scheduler should announce a task, if ever: at its due time while it is open.
 * A change that leaves the due time and the status alone keeps what the scheduler already did
 * (`keep`), so that editing the title of an overdue task does not announce it again; a new due
 * time, or a task reopened, is watched afresh.
 */
export function overdueWatch(previous: Pick<TaskFields, "status" | "dueAt"> | undefined, next: Pick<TaskFields, "status" | "dueAt">): Date | undefined | "keep" {
  if (!isOpen(next.status)) return undefined;
  const sameDue = previous?.dueAt.getTime() === next.dueAt.getTime();
  if (previous && sameDue && isOpen(previous.status)) return "keep";
  return next.dueAt;
}

/** When the task was completed after this change: now when it just was, kept while it stays so. */
export function completionTime(previous: Pick<Task, "status" | "completedAt"> | undefined, next: TaskStatus, now: Date): Date | undefined {
  if (next !== "completed") return undefined;
  return previous?.status === "completed" ? previous.completedAt : now;
}

/** The draft a stored task would be written as: the base an update's mask applies to. */
export function toTaskDraft(fields: TaskFields): TaskDraft {
  return { title: fields.title, notes: fields.notes, dueAt: fields.dueAt, assigneeId: fields.assigneeId, priority: fields.priority, status: fields.status, links: fields.links };
}
