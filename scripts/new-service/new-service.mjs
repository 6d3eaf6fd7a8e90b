#!/usr/bin/env node
// pnpm new-service <name> [--resource <singular>] [--plural <plural>]
//
// Makes a service in the shape of every other (DESIGN.md, docs/extending.md): its proto and
// event, services/<name>/ wired to the kit with tests that pass, its gateway module (routes and
// OpenAPI), its entry in the service registry (ports allocated after the highest in use) and its
// row in the README; then regenerates packages/proto, links the new package (from the lockfile) and
// adds it to the Helm chart (charts/crm, from the registry).
// Refuses a name already taken, and invalid names, before writing anything.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { lockNewImporter } from "./lockfile.mjs";
import { NameError, namesFor, render } from "./names.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TEMPLATES = path.join(import.meta.dirname, "templates");
const REGISTRY = path.join(ROOT, "packages/registry/services.json");

const usage = "usage: pnpm new-service <name> [--resource <singular>] [--plural <plural>]   (e.g. pnpm new-service sales-pipeline --resource deal)";
const fail = (message) => {
  console.error(`new-service: ${message}`);
  process.exit(1);
};

const { positionals, values: options } = (() => {
  try {
    return parseArgs({ allowPositionals: true, options: { resource: { type: "string" }, plural: { type: "string" }, help: { type: "boolean" } } });
  } catch (error) {
    return fail(`${error.message}\n${usage}`);
  }
})();
if (options.help) {
  console.log(usage);
  process.exit(0);
}
if (positionals.length !== 1) fail(`give one service name\n${usage}`);

let names;
try {
  names = namesFor(positionals[0], options);
} catch (error) {
  if (error instanceof NameError) fail(error.message);
  throw error;
}
const { service } = names;

const registry = JSON.parse(readFileSync(REGISTRY, "utf8"));
refuseTaken();
const ports = allocatePorts();
const values = { ...names, grpcPort: ports.grpcPort, opsPort: ports.opsPort };
const files = renderTemplates();
for (const file of files) {
  mkdirSync(path.dirname(file.target), { recursive: true });
  writeFileSync(file.target, file.content);
}
register();
addReadmeRow();
exportFromProtoPackage();
console.log(`new-service: wrote ${files.length} files; registered ${service} on gRPC ${ports.grpcPort}, ops ${ports.opsPort}`);

run("bash", ["scripts/generate-proto.sh"], "generating packages/proto");
linkPackage();
run("node", ["scripts/chart/sync-services.mjs"], "adding it to the Helm chart (charts/crm/values.yaml and values.schema.json)");
const made = [
  [`services/${service}/`, "the service: src/main.ts, app.ts, config.ts, domain/, store/, rpc/, events/; test/"],
  [`proto/crm/${names.service_snake}/v1/`, "its gRPC API"],
  [`proto/crm/events/v1/${names.service_snake}.proto`, "its events"],
  [`gateway/src/modules/${service}.ts`, `its REST routes, /v1/${names.resources}`],
  [`charts/crm/values.yaml`, `its deployment (services.${service}: resources, calls, env)`],
];
const width = Math.max(...made.map(([file]) => file.length));
console.log(`
new-service: ${service} is ready.
${made.map(([file, what]) => `  ${file.padEnd(width)}  ${what}`).join("\n")}
Next: pnpm build, then bash scripts/test.sh (its tests run with the rest) and bash scripts/dev.sh to run it;
say what it owns in its README row. How to extend it: docs/extending.md.`);

/** A name is free when no registry entry, folder, proto, gateway module, event or route uses it. */
function refuseTaken() {
  const taken = [
    registry.services.some((entry) => entry.name === service) && "packages/registry/services.json",
    ...[`services/${service}`, `proto/crm/${names.service_snake}`, `proto/crm/events/v1/${names.service_snake}.proto`, `gateway/src/modules/${service}.ts`].filter((file) =>
      existsSync(path.join(ROOT, file)),
    ),
  ].filter(Boolean);
  if (taken.length > 0) fail(`service "${service}" already exists (${taken.join(", ")}); choose another name`);
  const eventsDir = path.join(ROOT, "proto/crm/events/v1");
  const event = `${names.Resource}Created`;
  const declaring = readdirSync(eventsDir).find((file) => new RegExp(`^message ${event} \\{`, "m").test(readFileSync(path.join(eventsDir, file), "utf8")));
  if (declaring) fail(`event ${event} is already declared in proto/crm/events/v1/${declaring}; name the resource otherwise with --resource`);
  const route = `"/v1/${names.resources}"`;
  const serving = filesUnder(path.join(ROOT, "gateway/src")).find((file) => readFileSync(file, "utf8").includes(route));
  if (serving) fail(`the gateway already serves /v1/${names.resources} (${path.relative(ROOT, serving)}); name the resource otherwise with --resource`);
}

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** The next free pair: one past the highest gRPC port, and one past the highest ops port (the gateway's included). */
function allocatePorts() {
  const grpcPort = Math.max(...registry.services.map((entry) => entry.grpcPort)) + 1;
  const opsPort = Math.max(registry.gateway.opsPort, ...registry.services.map((entry) => entry.opsPort)) + 1;
  const used = new Set([registry.gateway.port, registry.gateway.opsPort, ...registry.services.flatMap((entry) => [entry.grpcPort, entry.opsPort])]);
  if (used.has(grpcPort) || used.has(opsPort) || grpcPort > 65535 || opsPort > 65535) fail(`no free port pair after ${grpcPort - 1}/${opsPort - 1}; edit ${REGISTRY}`);
  return { grpcPort, opsPort };
}

/** Every template, its path and content filled in; refuses to overwrite any file. */
function renderTemplates() {
  return filesUnder(TEMPLATES).filter((file) => file.endsWith(".tmpl")).map((template) => {
    const relative = render(path.relative(TEMPLATES, template), values, template).replace(/\.tmpl$/, "");
    const target = path.join(ROOT, relative);
    if (existsSync(target)) fail(`${relative} already exists; nothing was written`);
    return { target, content: render(readFileSync(template, "utf8"), values, template) };
  });
}

function register() {
  registry.services.push({
    name: service,
    grpcPort: ports.grpcPort,
    opsPort: ports.opsPort,
    addressEnv: `${names.SERVICE_CONST}_ADDRESS`,
    gatewayModule: `modules/${service}`,
  });
  writeFileSync(REGISTRY, `${JSON.stringify(registry, null, 2)}\n`);
}

/** The README's table of processes gets the service's row after the last service's. */
function addReadmeRow() {
  const file = path.join(ROOT, "README.md");
  const lines = readFileSync(file, "utf8").split("\n");
  const registered = new Set(registry.services.map((entry) => entry.name));
  const last = lines.findLastIndex((line) => registered.has(/^\| ([a-z0-9-]+) \|/.exec(line)?.[1]));
  if (last < 0) return console.warn("new-service: README.md has no table of processes; add the service's row by hand");
  lines.splice(last + 1, 0, `| ${service} | ${ports.grpcPort} (gRPC), ${ports.opsPort} (ops) | ${names.resourcesWords} (made by \`pnpm new-service\`: say what it owns) |`);
  writeFileSync(file, lines.join("\n"));
}

/** @crm/proto's entry points name each package and event: the new ones join them. */
function exportFromProtoPackage() {
  const generated = `./gen/crm/${names.service_snake}/v1/${names.service_snake}`;
  insertAfterLast("packages/proto/src/index.ts", /^export \* as \w+V1 from "\.\/gen\/crm\//, `export * as ${names.serviceCamel}V1 from "${generated}";`);
  insertAfterLast("packages/proto/src/events.ts", /^export \{/, `export { ${names.Resource}Created } from "./gen/crm/events/v1/${names.service_snake}";`);
}

function insertAfterLast(relative, pattern, line) {
  const file = path.join(ROOT, relative);
  const lines = readFileSync(file, "utf8").split("\n");
  const last = lines.findLastIndex((text) => pattern.test(text));
  if (last < 0) fail(`${relative} has no line like ${pattern}; add ${line} by hand`);
  lines.splice(last + 1, 0, line);
  writeFileSync(file, lines.join("\n"));
}

/** Links the new package from the lockfile and pnpm's store (no registry); pnpm resolves it only when the lockfile cannot say. */
function linkPackage() {
  const what = "linking the new package (pnpm install)";
  if (lockNewImporter(ROOT, `services/${service}`)) {
    console.log(`new-service: ${what}`);
    try {
      execFileSync("pnpm", ["install", "--offline", "--frozen-lockfile", "--reporter=append-only"], { cwd: ROOT, stdio: "pipe" });
      return;
    } catch (error) {
      console.warn(`new-service: the lockfile could not link it offline, pnpm resolves it:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
    }
  }
  run("pnpm", ["install", "--prefer-offline"], what);
}

function run(command, args, what) {
  console.log(`new-service: ${what}`);
  try {
    execFileSync(command, args, { cwd: ROOT, stdio: "inherit" });
  } catch {
    fail(`${what} failed; the files above are written: fix the cause and run \`${command} ${args.join(" ")}\` again`);
  }
}
