export * from "./infra";
export * from "./tokens";
export * from "./trace-capture";
export * from "./processes";
export * from "./platform";
export * from "./service-env";
export * from "./helpers";
export * from "./event-watcher";
