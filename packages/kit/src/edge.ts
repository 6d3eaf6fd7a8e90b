// The kit for processes at the edge (the gateway): errors, identity, logs, configuration, gRPC
// clients, health and metrics, without what only services use (MongoDB, Redis, the JetStream bus,
// gRPC servers and reflection). Loading those cost the gateway about 40 MiB of memory it never used.
export * from "./errors";
export * from "./ids";
export * from "./config";
export * from "./logger";
export * from "./identity";
export * from "./ttl-cache";
export * from "./coalescing-run";
export * from "./readiness";
export * from "./shutdown";
export * from "./grpc/status";
export * from "./grpc/client";
export * from "./grpc/service-client";
export * from "./bus/streams";
export * from "./http/ops-server";
export * from "./query/fields";
export * from "./query/filter";
export * from "./telemetry/metrics";
export { flushTelemetry } from "./telemetry/handle";
