import { interactionsV1 } from "@crm/proto";
import { z } from "zod";
import type { InteractionsClient } from "../clients/interactions";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";

const TAG = "Tasks";
const recordTypeSchema = z.enum(["contact", "organization", "deal", "lead", "order", "ticket", "campaign", "interaction", "task"]);
const linkSchema = z.object({ type: recordTypeSchema, id: idSchema }).strict();

const taskInputSchema = z
  .object({
    title: z.string().max(300).regex(/\S/, "is required").optional(),
    notes: z.string().max(10_000).optional(),
    dueAt: z.iso.datetime({ offset: true }).optional().describe("When it is due; an open task past it is announced once as task.overdue"),
    assigneeId: z.string().max(100).optional().describe("Defaults to the caller"),
    priority: z.enum(["low", "normal", "high", "urgent"]).optional().describe("Defaults to normal"),
    status: z.enum(["open", "in_progress", "completed", "cancelled"]).optional().describe("Defaults to open"),
    links: z.array(linkSchema).max(20).optional().describe("The records it follows up"),
  })
  .strict();
const newTaskSchema = taskInputSchema.extend({ title: z.string().max(300).regex(/\S/, "is required"), dueAt: z.iso.datetime({ offset: true }) });

const taskSchema = z.object({
  id: z.string(),
  title: z.string(),
  notes: z.string(),
  dueAt: z.string(),
  assigneeId: z.string(),
  priority: z.string(),
  status: z.string(),
  links: z.array(z.object({ type: z.string(), id: z.string() })).describe("A merged contact is shown as the contact it was merged into"),
  overdue: z.boolean().describe("Open or in progress, and past its due time"),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
  updatedBy: z.string(),
});

function toTaskInput(body: z.output<typeof taskInputSchema>): interactionsV1.TaskInput {
  const { dueAt, ...fields } = body;
  return interactionsV1.TaskInput.fromPartial({ ...fields, dueTime: dueAt ? new Date(dueAt) : undefined });
}

function toRestTask(task: interactionsV1.Task | undefined): z.output<typeof taskSchema> {
  if (!task) throw new Error("the interactions service answered without a task");
  const { dueTime, completeTime, createTime, updateTime, etag: _etag, ...rest } = task;
  return {
    ...rest,
    dueAt: dueTime?.toISOString() ?? "",
    completedAt: completeTime?.toISOString() ?? null,
    createdAt: createTime?.toISOString() ?? "",
    updatedAt: updateTime?.toISOString() ?? "",
  };
}

/** /v1/tasks: follow-ups with a due time, an assignee, a priority and a status, linked to any record. */
export function registerTaskRoutes(api: ApiRegistry, client: InteractionsClient): void {
  const one = { status: 200, schema: taskSchema, description: "The task" };

  api.route({
    method: "post", path: "/v1/tasks", operationId: "createTask", summary: "Create a follow-up task", tag: TAG, permission: "interactions:write",
    body: newTaskSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: taskSchema, description: "The task as stored" },
    handler: async ({ body, identity, req, res }) => {
      const { task } = await client.call(identity, "createTask", { task: toTaskInput(body), requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/tasks/${task?.id}`).setHeader("ETag", task?.etag ?? "");
      return toRestTask(task);
    },
  });

  api.route({
    method: "get", path: "/v1/tasks/:id", operationId: "getTask", summary: "Get one task", tag: TAG, permission: "interactions:read", params: idParams, response: one,
    handler: async ({ params, identity, res }) => {
      const { task } = await client.call(identity, "getTask", { id: params.id });
      res.setHeader("ETag", task?.etag ?? "");
      return toRestTask(task);
    },
  });

  api.route({
    method: "patch", path: "/v1/tasks/:id", operationId: "updateTask", summary: "Change the fields present in the body (complete it with status)", tag: TAG,
    permission: "interactions:write", params: idParams, body: taskInputSchema, headers: [ifMatchHeader("task")], response: one,
    handler: async ({ params, body, identity, req, res }) => {
      const { task } = await client.call(identity, "updateTask", { id: params.id, task: toTaskInput(body), updateMask: maskOf(body, { dueAt: "dueTime" }), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", task?.etag ?? "");
      return toRestTask(task);
    },
  });

  api.route({
    method: "get", path: "/v1/tasks", operationId: "listTasks", summary: "List tasks with filters (status, assigneeId, contactId, dealId...), order and cursors", tag: TAG,
    permission: "interactions:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(taskSchema), pageInfo: pageInfoSchema }), description: "One page, soonest due first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listTasks", toListRequest(query));
      return { data: response.tasks.map(toRestTask), pageInfo: toPageInfo(response.pageInfo) };
    },
  });
}
