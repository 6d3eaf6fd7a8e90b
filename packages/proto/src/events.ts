// Every event payload of crm.events.v1, whichever file declares it.
export { ContactCreated, ContactDeleted, ContactErased, ContactMerged, ContactMergeUndone, ContactUpdated, OrganizationChanged } from "./gen/crm/events/v1/contacts";
export { SubjectErasureCompleted, SubjectErasureRequested } from "./gen/crm/events/v1/erasure";
export { InteractionDeleted, InteractionLogged, InteractionUpdated, TaskChanged, TaskLink, TaskOverdue } from "./gen/crm/events/v1/interactions";
export { DealCreated, DealLost, DealStageChanged, DealWon, LeadConverted, LeadCreated, LeadScoreChanged, Money, OrderPlaced, OrderStatusChanged } from "./gen/crm/events/v1/sales_pipeline";
export { FeedbackReceived, SlaEscalation, TicketCreated, TicketOpened, TicketReplied, TicketResolved, TicketSlaAlert, TicketStatusChanged } from "./gen/crm/events/v1/support_tickets";
export { ConsentChanged, PurposeCreated, PurposeUpdated, SubjectAccessRequested, SubjectRequestCompleted } from "./gen/crm/events/v1/consent";
export { CampaignCreated, CampaignExclusion, CampaignMessageSent, CampaignResponseRecorded, CampaignScheduled, CampaignSent } from "./gen/crm/events/v1/marketing_campaign";
export { InteractionCreated } from "./gen/crm/events/v1/interactions";
