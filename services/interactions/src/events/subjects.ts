/**
 * Subjects this service publishes, `crm.interactions.<entity>.<event>`, on its stream
 * (CRM_INTERACTIONS); the payloads are in proto/crm/events/v1/interactions.proto. Its
 * erasure confirmations, crm.interactions.subject.erasure_completed, are the kit's.
 */
export const INTERACTION_EVENTS = {
  logged: { subject: "crm.interactions.interaction.logged", type: "crm.events.v1.InteractionLogged" },
  updated: { subject: "crm.interactions.interaction.updated", type: "crm.events.v1.InteractionUpdated" },
  deleted: { subject: "crm.interactions.interaction.deleted", type: "crm.events.v1.InteractionDeleted" },
} as const;

export const TASK_EVENTS = {
  created: { subject: "crm.interactions.task.created", type: "crm.events.v1.TaskChanged" },
  updated: { subject: "crm.interactions.task.updated", type: "crm.events.v1.TaskChanged" },
  completed: { subject: "crm.interactions.task.completed", type: "crm.events.v1.TaskChanged" },
  overdue: { subject: "crm.interactions.task.overdue", type: "crm.events.v1.TaskOverdue" },
} as const;

/**
 * What this service consumes of the contacts service beside its timeline (events/timeline-sources):
 * merges, undone merges and erased records change what a contact id stands for.
 */
export const CONTACT_FATE_EVENTS = {
  service: "contacts",
  subjects: ["crm.contacts.contact.merged", "crm.contacts.contact.merge_undone", "crm.contacts.contact.erased"],
} as const;
