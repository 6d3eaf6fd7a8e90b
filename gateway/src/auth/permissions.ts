import { PermissionDeniedError, UnauthenticatedError } from "@crm/kit/edge";
import type { RequestHandler } from "express";
import { hasPermission, type Permission } from "./roles";

export { hasPermission, type Access, type Permission } from "./roles";

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!req.identity) return next(new UnauthenticatedError("authentication required"));
    if (!hasPermission(req.identity, permission)) return next(new PermissionDeniedError(`requires ${permission}`));
    next();
  };
}
