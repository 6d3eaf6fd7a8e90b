import { PermissionDeniedError, UnauthenticatedError, type Identity } from "@crm/kit";
import type { RequestHandler } from "express";

export type Permission = "contacts:read" | "contacts:write" | "contacts:admin";

/** What each role may do; a token's scopes can grant permissions directly too. */
const ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  admin: ["contacts:read", "contacts:write", "contacts:admin"],
  agent: ["contacts:read", "contacts:write"],
  viewer: ["contacts:read"],
};

export function hasPermission(identity: Identity, permission: Permission): boolean {
  return identity.scopes.includes(permission) || identity.roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission));
}

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!req.identity) return next(new UnauthenticatedError("authentication required"));
    if (!hasPermission(req.identity, permission)) return next(new PermissionDeniedError(`requires ${permission}`));
    next();
  };
}
