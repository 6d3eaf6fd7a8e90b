import { interactionsV1 } from "@crm/proto";
import { toEtag } from "@crm/kit";
import { isOverdue, type Task, type TaskDraft } from "../domain/task";

export function toProtoTask(task: Task, now = new Date()): interactionsV1.Task {
  return {
    id: task.id,
    title: task.title,
    notes: task.notes,
    dueTime: task.dueAt,
    assigneeId: task.assigneeId,
    priority: task.priority,
    status: task.status,
    links: task.links.map(({ type, id }) => ({ type, id })),
    completeTime: task.completedAt,
    overdue: isOverdue(task, now),
    createTime: task.createdAt,
    updateTime: task.updatedAt,
    createdBy: task.createdBy,
    updatedBy: task.updatedBy,
    etag: toEtag(task.version),
  };
}

export function toTaskDraft(input: interactionsV1.TaskInput | undefined): TaskDraft {
  const given = input ?? interactionsV1.TaskInput.fromPartial({});
  return {
    title: given.title,
    notes: given.notes,
    dueAt: given.dueTime,
    assigneeId: given.assigneeId,
    priority: given.priority,
    status: given.status,
    links: given.links.map(({ type, id }) => ({ type, id })),
  };
}

/** Update-mask paths of TaskInput and the draft field each changes. */
export const TASK_MASK: Record<string, keyof TaskDraft> = {
  title: "title",
  notes: "notes",
  dueTime: "dueAt",
  assigneeId: "assigneeId",
  priority: "priority",
  status: "status",
  links: "links",
};
