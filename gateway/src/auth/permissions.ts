import { PermissionDeniedError, UnauthenticatedError, type Identity } from "@crm/kit/edge";
import type { RequestHandler } from "express";

/** What a route needs: an action on one service's records, e.g. `contacts:read`. */
export type Access = "read" | "write" | "admin";
export type Permission = `${string}:${Access}`;

/** What each role may do, on every service; a token's scopes can grant permissions directly too. */
const ROLE_ACCESS: Record<string, readonly Access[]> = {
  admin: ["read", "write", "admin"],
  agent: ["read", "write"],
  viewer: ["read"],
};

export function hasPermission(identity: Identity, permission: Permission): boolean {
  const access = permission.slice(permission.lastIndexOf(":") + 1) as Access;
  return identity.scopes.includes(permission) || identity.roles.some((role) => ROLE_ACCESS[role]?.includes(access));
}

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!req.identity) return next(new UnauthenticatedError("authentication required"));
    if (!hasPermission(req.identity, permission)) return next(new PermissionDeniedError(`requires ${permission}`));
    next();
  };
}
