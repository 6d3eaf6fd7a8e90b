import { interactionsV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareTask, toTaskDraft as draftOf } from "../domain/task";
import type { TaskRepository } from "../store/task-repository";
import { requireCurrent, requireRequestId } from "./preconditions";
import { TASK_MASK, toProtoTask, toTaskDraft } from "./task-mapping";

type Handlers = Pick<interactionsV1.InteractionsServiceServer, "createTask" | "getTask" | "listTasks" | "updateTask">;

export interface TaskHandlerDependencies {
  tasks: TaskRepository;
  /** Tells the overdue scheduler of a due time, so that it wakes for it if it would sleep longer. */
  dueAt(at: Date): void;
}

/** Follow-up tasks: proto in, checked, stored or read, proto out. */
export function taskHandlers(rpc: ServiceRuntime["rpc"], { tasks, dueAt }: TaskHandlerDependencies): Handlers {
  return {
    createTask: rpc("CreateTask", async (request: interactionsV1.CreateTaskRequest, { identity }) => {
      requireRequestId(request.requestId);
      const created = await tasks.create(actorOf(identity), prepareTask(toTaskDraft(request.task), identity.subject), request.requestId);
      dueAt(created.dueAt);
      return { task: toProtoTask(created) };
    }),

    getTask: rpc("GetTask", async (request: interactionsV1.GetTaskRequest, { identity }) => {
      requireId(request.id, "id");
      return { task: toProtoTask(await tasks.get(identity.tenantId, request.id)) };
    }),

    listTasks: rpc("ListTasks", async (request: interactionsV1.ListTasksRequest, { identity }) => {
      const { items, pageInfo } = await tasks.list(identity.tenantId, request);
      const now = new Date();
      return { tasks: items.map((task) => toProtoTask(task, now)), pageInfo };
    }),

    updateTask: rpc("UpdateTask", async (request: interactionsV1.UpdateTaskRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await tasks.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "task");
      const { draft, changed } = applyFieldMask(request.updateMask ?? [], TASK_MASK, draftOf(current), toTaskDraft(request.task), "a task");
      const updated = await tasks.update(actorOf(identity), current, prepareTask(draft, identity.subject), changed);
      dueAt(updated.dueAt);
      return { task: toProtoTask(updated) };
    }),
  };
}
