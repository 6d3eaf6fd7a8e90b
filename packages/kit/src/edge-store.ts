// The second entry for processes at the edge that keep state of their own (the gateway's
// idempotency records, rate limits, API keys, webhook subscriptions and deliveries): Redis, a
// MongoDB database with the kit's tenant scoping and cursor paging, and durable JetStream
// consumers. Loaded only by what uses it; @crm/kit/edge stays free of them.
export * from "./redis";
export * from "./mongo/connection";
export * from "./mongo/tenant-scope";
export * from "./mongo/record";
export * from "./mongo/duplicate-key";
export * from "./query/paginate";
export { listFilter } from "./mongo/tenant-repository";
export * from "./bus/bus";
export * from "./bus/consumer";
export * from "./bus/idempotency";
