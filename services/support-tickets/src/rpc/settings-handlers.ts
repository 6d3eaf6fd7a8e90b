import { supportTicketsV1 } from "@crm/proto";
import { PreconditionFailedError, ValidationError, actorOf, requireId, type ServiceRuntime } from "@crm/kit";
import { prepareCalendar, type CalendarFields } from "../domain/calendar";
import { prepareSlaPolicy, type SlaPolicyFields } from "../domain/sla-policy";
import type { SettingsRepository, Stored } from "../store/settings-repository";
import { maskPaths, versionOf } from "./field-mask";
import { toCalendarDraft, toPolicyDraft, toProtoCalendar, toProtoPolicy } from "./settings-mapping";

export interface SettingsDeps {
  policies: SettingsRepository<SlaPolicyFields>;
  calendars: SettingsRepository<CalendarFields>;
  /** A change asks for a recalculation: the scheduler starts it now rather than at its next poll. */
  recalculate: () => void;
}

const POLICY_FIELDS = ["name", "position", "enabled", "conditions", "calendarId", "targets", "pauseStatuses", "warnAtPercent", "escalations"] as const;
const CALENDAR_FIELDS = ["name", "timeZone", "spans", "holidays"] as const;

/** The current record at the version the caller read (an empty etag skips the check). */
function atVersion<F>(current: Stored<F>, etag: string, noun: string): Stored<F> {
  const expected = versionOf(etag);
  if (expected !== undefined && expected !== current.version) throw new PreconditionFailedError(`${noun} ${current.id} changed since it was read (etag W/"${current.version}"); read it again`);
  return current;
}

/** SLA policies and business calendars: each change recalculates the open tickets' deadlines. */
export function settingsHandlers(rpc: ServiceRuntime["rpc"], { policies, calendars, recalculate }: SettingsDeps) {
  /** A policy's calendar must exist in the tenant. */
  const checkCalendar = async (tenantId: string, calendarId: string) => {
    if (!calendarId) return;
    await calendars.get(tenantId, calendarId).catch(() => {
      throw ValidationError.field("policy.calendarId", "is not a calendar of this tenant");
    });
  };

  return {
    createSlaPolicy: rpc("CreateSlaPolicy", async (request: supportTicketsV1.CreateSlaPolicyRequest, { identity }) => {
      const fields = prepareSlaPolicy(toPolicyDraft(request.policy));
      await checkCalendar(identity.tenantId, fields.calendarId);
      const policy = await policies.create(actorOf(identity), fields, request.requestId);
      recalculate();
      return { policy: toProtoPolicy(policy) };
    }),

    getSlaPolicy: rpc("GetSlaPolicy", async (request: supportTicketsV1.GetSlaPolicyRequest, { identity }) => {
      requireId(request.id, "id");
      return { policy: toProtoPolicy(await policies.get(identity.tenantId, request.id)) };
    }),

    listSlaPolicies: rpc("ListSlaPolicies", async (_request: supportTicketsV1.ListSlaPoliciesRequest, { identity }) => {
      const all = await policies.all(identity.tenantId);
      return { policies: all.sort((a, b) => a.position - b.position || a.id.localeCompare(b.id)).map(toProtoPolicy) };
    }),

    updateSlaPolicy: rpc("UpdateSlaPolicy", async (request: supportTicketsV1.UpdateSlaPolicyRequest, { identity }) => {
      requireId(request.id, "id");
      const paths = maskPaths(request.updateMask, POLICY_FIELDS);
      const current = atVersion(await policies.get(identity.tenantId, request.id), request.etag, "policy");
      const { id: _id, tenantId: _tenant, createdAt: _c, createdBy: _cb, updatedAt: _u, updatedBy: _ub, version: _v, ...currentFields } = current;
      const fields = prepareSlaPolicy({ ...currentFields, ...toPolicyDraft(request.policy, (field) => paths.includes(field)) });
      await checkCalendar(identity.tenantId, fields.calendarId);
      const policy = await policies.update(actorOf(identity), current, fields);
      recalculate();
      return { policy: toProtoPolicy(policy) };
    }),

    deleteSlaPolicy: rpc("DeleteSlaPolicy", async (request: supportTicketsV1.DeleteSlaPolicyRequest, { identity }) => {
      requireId(request.id, "id");
      const current = atVersion(await policies.get(identity.tenantId, request.id), request.etag, "policy");
      await policies.remove(actorOf(identity), current);
      recalculate();
      return {};
    }),

    createCalendar: rpc("CreateCalendar", async (request: supportTicketsV1.CreateCalendarRequest, { identity }) => {
      const calendar = await calendars.create(actorOf(identity), prepareCalendar(toCalendarDraft(request.calendar)), request.requestId);
      return { calendar: toProtoCalendar(calendar) };
    }),

    getCalendar: rpc("GetCalendar", async (request: supportTicketsV1.GetCalendarRequest, { identity }) => {
      requireId(request.id, "id");
      return { calendar: toProtoCalendar(await calendars.get(identity.tenantId, request.id)) };
    }),

    listCalendars: rpc("ListCalendars", async (_request: supportTicketsV1.ListCalendarsRequest, { identity }) => {
      return { calendars: (await calendars.all(identity.tenantId)).map(toProtoCalendar) };
    }),

    updateCalendar: rpc("UpdateCalendar", async (request: supportTicketsV1.UpdateCalendarRequest, { identity }) => {
      requireId(request.id, "id");
      const paths = maskPaths(request.updateMask, CALENDAR_FIELDS);
      const current = atVersion(await calendars.get(identity.tenantId, request.id), request.etag, "calendar");
      const draft = toCalendarDraft(request.calendar);
      const merged = Object.fromEntries(CALENDAR_FIELDS.map((field) => [field, paths.includes(field) ? draft[field] : current[field]]));
      const calendar = await calendars.update(actorOf(identity), current, prepareCalendar(merged));
      recalculate();
      return { calendar: toProtoCalendar(calendar) };
    }),
  };
}
