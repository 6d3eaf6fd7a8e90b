import type { Identity } from "@crm/kit/edge";

/** What a route needs: an action on one service's records, e.g. `contacts:read`. */
export type Access = "read" | "write" | "admin";
export type Permission = `${string}:${Access}`;

const R: readonly Access[] = ["read"];
const RW: readonly Access[] = ["read", "write"];

/**
 * What each role may do, per service (`*`: every service). The gateway's own resources are
 * `api-keys` and `webhooks`, managed with `:admin`, which only administrators hold. A credential's
 * scopes (a JWT's `scope`, an API key's scopes) grant permissions directly too.
 */
export const ROLE_PERMISSIONS: Record<string, Record<string, readonly Access[]>> = {
  admin: { "*": ["read", "write", "admin"] },
  sales: { contacts: RW, "sales-pipeline": RW, interactions: RW, "support-tickets": R, "marketing-campaign": R, consent: R },
  support: { contacts: RW, "support-tickets": RW, interactions: RW, "sales-pipeline": R, "marketing-campaign": R, consent: R },
  marketing: { contacts: RW, "marketing-campaign": RW, consent: RW, interactions: R, "sales-pipeline": R, "support-tickets": R },
  "read-only": { "*": R },
  // The first roles' names, kept for tokens issued with them.
  agent: { "*": RW },
  viewer: { "*": R },
};

export function hasPermission(identity: Identity, permission: Permission): boolean {
  const split = permission.lastIndexOf(":");
  const service = permission.slice(0, split);
  const access = permission.slice(split + 1) as Access;
  if (identity.scopes.includes(permission)) return true;
  return identity.roles.some((role) => {
    const grants = ROLE_PERMISSIONS[role];
    return Boolean(grants?.[service]?.includes(access) || grants?.["*"]?.includes(access));
  });
}

/** Which records a role sees: every record of the tenant, those its user owns, or those its user or teams own. */
export type RecordAccess = "all" | "own" | "team";

/** Parses ROLE_RECORD_ACCESS (`sales=own,support=team`); roles not named see every record. */
export function parseRecordAccess(setting: string): Record<string, RecordAccess> {
  return Object.fromEntries(setting.split(",").filter(Boolean).map((pair) => pair.split("=") as [string, RecordAccess]));
}

/**
 * The owners a caller is limited to (Identity.owners), or undefined when it sees every record:
 * a caller holding any role that is not limited is not limited at all; one whose roles are all
 * limited sees records owned by its user, and, for `team`, by its teams.
 */
export function ownersFor(subject: string, roles: readonly string[], teams: readonly string[], access: Record<string, RecordAccess>): string[] | undefined {
  const levels = roles.map((role) => access[role] ?? "all");
  if (levels.length === 0 || levels.includes("all")) return undefined;
  return levels.includes("team") ? [subject, ...teams] : [subject];
}
