/** What a provider reports about a message, and the response recorded from it. */
export const PROVIDER_EVENT_TYPES = ["delivered", "opened", "clicked", "bounced", "complained", "unsubscribed"] as const;
export type ProviderEventType = (typeof PROVIDER_EVENT_TYPES)[number];

/** The responses recorded per message (the event contract's names, CampaignResponseRecorded.response). */
export type ResponseName = "delivered" | "opened" | "clicked" | "soft_bounced" | "hard_bounced" | "complained" | "unsubscribed";

export interface ProviderEvent {
  eventId: string;
  messageId: string;
  type: ProviderEventType;
  bounceKind: "soft" | "hard" | "auto_reply" | "";
  url: string;
  occurredAt: Date;
}

/** The response a provider event records; none for an automatic reply reported as a bounce. */
export function responseOf(event: Pick<ProviderEvent, "type" | "bounceKind">): ResponseName | undefined {
  if (event.type !== "bounced") return event.type;
  if (event.bounceKind === "auto_reply") return undefined;
  return event.bounceKind === "hard" ? "hard_bounced" : "soft_bounced";
}

/** A recipient counts as having responded (for segments and influence) once it opened or clicked. */
export const ENGAGED: ReadonlySet<ResponseName> = new Set(["opened", "clicked"]);

/** The per-message flag each response sets (the first time), for metrics. */
export const FLAG_OF: Record<ResponseName, string> = {
  delivered: "deliveredAt",
  opened: "openedAt",
  clicked: "clickedAt",
  soft_bounced: "bouncedAt",
  hard_bounced: "bouncedAt",
  complained: "complainedAt",
  unsubscribed: "unsubscribedAt",
};
