import { supportTicketsV1 } from "@crm/proto";
import { toEtag } from "@crm/kit";
import type { CalendarDraft, CalendarFields } from "../domain/calendar";
import type { SlaPolicyDraft, SlaPolicyFields } from "../domain/sla-policy";
import type { Stored } from "../store/settings-repository";

export function toProtoPolicy(policy: Stored<SlaPolicyFields>): supportTicketsV1.SlaPolicy {
  return {
    id: policy.id,
    name: policy.name,
    position: policy.position,
    enabled: policy.enabled,
    conditions: policy.conditions,
    calendarId: policy.calendarId,
    targets: policy.targets,
    pauseStatuses: policy.pauseStatuses,
    warnAtPercent: policy.warnAtPercent,
    escalations: policy.escalations,
    createTime: policy.createdAt,
    updateTime: policy.updatedAt,
    etag: toEtag(policy.version),
  };
}

/** The draft of the fields present: for a create, all; for an update, those its mask names (`present`). */
export function toPolicyDraft(input: supportTicketsV1.SlaPolicyInput | undefined, present?: (field: string) => boolean): SlaPolicyDraft {
  // A create takes every field; left empty, the pause statuses take their default.
  const creating = !present;
  present ??= () => true;
  const given = input ?? supportTicketsV1.SlaPolicyInput.fromPartial({});
  const draft: SlaPolicyDraft = {};
  if (present("name")) draft.name = given.name;
  if (present("position")) draft.position = given.position;
  if (present("enabled") && given.enabled !== undefined) draft.enabled = given.enabled;
  if (present("conditions")) draft.conditions = given.conditions ?? {};
  if (present("calendarId")) draft.calendarId = given.calendarId;
  if (present("targets")) draft.targets = given.targets;
  if (present("pauseStatuses") && (given.pauseStatuses.length > 0 || !creating)) draft.pauseStatuses = given.pauseStatuses as SlaPolicyFields["pauseStatuses"];
  if (present("warnAtPercent")) draft.warnAtPercent = given.warnAtPercent;
  if (present("escalations")) draft.escalations = given.escalations.map((rule) => ({ ...rule, on: rule.on as "warning" | "breach", metrics: rule.metrics as SlaPolicyFields["escalations"][number]["metrics"] }));
  return draft;
}

export function toProtoCalendar(calendar: Stored<CalendarFields>): supportTicketsV1.Calendar {
  return {
    id: calendar.id,
    name: calendar.name,
    timeZone: calendar.timeZone,
    spans: calendar.spans,
    holidays: calendar.holidays,
    createTime: calendar.createdAt,
    updateTime: calendar.updatedAt,
    etag: toEtag(calendar.version),
  };
}

export function toCalendarDraft(input: supportTicketsV1.CalendarInput | undefined): CalendarDraft {
  const given = input ?? supportTicketsV1.CalendarInput.fromPartial({});
  return { name: given.name, timeZone: given.timeZone, spans: given.spans, holidays: given.holidays };
}
