#!/usr/bin/env node
// node scripts/chart/sync-services.mjs [--check]
//
// The chart's services from the one registry (packages/registry/services.json): each registered
// service gets its entry in charts/crm/values.yaml (ports and address variable from the registry;
// what a platform team tunes there, such as resources or calls, is kept) and its name in
// values.schema.json, which rejects any other. Entries of services no longer registered go.
// pnpm new-service runs it; with --check it changes nothing and fails when the chart and the
// registry disagree (a test runs that).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseDocument } from "yaml";

const ROOT = path.resolve(import.meta.dirname, "../..");
const VALUES = path.join(ROOT, "charts/crm/values.yaml");
const SCHEMA = path.join(ROOT, "charts/crm/values.schema.json");
const check = process.argv.includes("--check");

const registry = JSON.parse(readFileSync(path.join(ROOT, "packages/registry/services.json"), "utf8"));
const changes = [];

// values.yaml, edited as a document so that its comments and layout stay as they are.
const valuesText = readFileSync(VALUES, "utf8");
const values = parseDocument(valuesText);
const services = values.get("services");
const flow = (value) => Object.assign(values.createNode(value), { flow: true });
for (const { name, grpcPort, opsPort, addressEnv } of registry.services) {
  if (!services.has(name)) {
    services.set(name, values.createNode({ ports: flow({ grpc: grpcPort, ops: opsPort }), addressEnv, calls: flow([]), env: flow({}) }));
    changes.push(`services.${name}: added`);
    continue;
  }
  const entry = services.get(name);
  for (const [key, want] of [[["ports", "grpc"], grpcPort], [["ports", "ops"], opsPort], [["addressEnv"], addressEnv]]) {
    if (entry.getIn(key) !== want) {
      changes.push(`services.${name}.${key.join(".")}: ${entry.getIn(key)} -> ${want}`);
      entry.setIn(key, want);
    }
  }
}
const registered = new Set(registry.services.map((service) => service.name));
for (const item of [...services.items]) {
  const name = String(item.key);
  if (!registered.has(name)) {
    services.delete(name);
    changes.push(`services.${name}: removed (not registered)`);
  }
}
const newValues = values.toString({ lineWidth: 0, flowCollectionPadding: false });

// values.schema.json: the names a services entry may have.
const schemaText = readFileSync(SCHEMA, "utf8");
const schema = JSON.parse(schemaText);
const listed = Object.keys(schema.properties.services.properties);
const names = registry.services.map((service) => service.name);
if (listed.join() !== names.join()) changes.push(`values.schema.json services: [${listed.join(", ")}] -> [${names.join(", ")}]`);
schema.properties.services.properties = Object.fromEntries(names.map((name) => [name, { $ref: "#/$defs/service" }]));
const newSchema = `${JSON.stringify(schema, null, 2)}\n`;
if (newSchema !== schemaText && changes.length === 0) changes.push("values.schema.json: formatting");

if (check) {
  if (changes.length > 0) {
    console.error(`the chart and packages/registry/services.json disagree:\n  ${changes.join("\n  ")}\nrun node scripts/chart/sync-services.mjs`);
    process.exit(1);
  }
  console.log("chart services match the registry");
} else {
  writeFileSync(VALUES, newValues);
  writeFileSync(SCHEMA, newSchema);
  console.log(changes.length > 0 ? `chart: ${changes.join("; ")}` : "chart services already match the registry");
}
