import { eventsV1 } from "@crm/proto";
import { outboxEventWithMeta, type OutboxEvent } from "@crm/kit";
import type { Task } from "../domain/task";
import { TASK_EVENTS } from "./subjects";

/** task.created, task.updated or task.completed: the task as it now is, without its notes. */
export function taskChanged(kind: "created" | "updated" | "completed", task: Task, changedFields: string[] = []): OutboxEvent {
  return outboxEventWithMeta(
    TASK_EVENTS[kind],
    task.tenantId,
    task.updatedBy,
    task.updatedAt,
    (meta) => ({
      meta,
      taskId: task.id,
      title: task.title,
      assigneeId: task.assigneeId,
      dueTime: task.dueAt,
      priority: task.priority,
      status: task.status,
      links: task.links,
      version: task.version,
      changedFields,
    }),
    eventsV1.TaskChanged,
  );
}

/** task.overdue: announced by the scheduler (the service itself) at `at`, once per due time. */
export function taskOverdue(task: Task, at: Date): OutboxEvent {
  return outboxEventWithMeta(
    TASK_EVENTS.overdue,
    task.tenantId,
    "service:interactions",
    at,
    (meta) => ({ meta, taskId: task.id, title: task.title, assigneeId: task.assigneeId, dueTime: task.dueAt, priority: task.priority, links: task.links }),
    eventsV1.TaskOverdue,
  );
}
