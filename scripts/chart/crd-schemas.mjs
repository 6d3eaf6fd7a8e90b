#!/usr/bin/env node
// node scripts/chart/crd-schemas.mjs <folder of CRD YAML files> <output folder>
//
// JSON schemas for kubeconform from CustomResourceDefinitions (the Prometheus operator's
// ServiceMonitor and PrometheusRule, which the chart renders when the operator is on): one file
// per kind and version, <group>/<kind>_<version>.json, as kubeconform's
// `{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json` location expects. Strict like the
// Kubernetes schemas: an object that lists its properties accepts no others.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: crd-schemas.mjs <folder of CRD YAML files> <output folder>");
  process.exit(1);
}

/** The schema, strict: unknown fields are errors where the CRD lists the fields; int-or-string spelled out. */
function strict(schema) {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === "properties" ? Object.fromEntries(Object.entries(value).map(([name, property]) => [name, strict(property)])) : strict(value)]));
  if (copy["x-kubernetes-int-or-string"]) {
    delete copy.type;
    copy.anyOf = [{ type: "string" }, { type: "integer" }];
  }
  if (copy.properties && copy.additionalProperties === undefined && !copy["x-kubernetes-preserve-unknown-fields"]) copy.additionalProperties = false;
  return copy;
}

let written = 0;
for (const file of readdirSync(source).filter((name) => /\.ya?ml$/.test(name))) {
  for (const document of parseAllDocuments(readFileSync(path.join(source, file), "utf8"))) {
    const crd = document.toJS();
    if (crd?.kind !== "CustomResourceDefinition") continue;
    const { group, names, versions } = crd.spec;
    for (const version of versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (!schema) continue;
      const out = path.join(target, group, `${names.kind.toLowerCase()}_${version.name}.json`);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(strict(schema), null, 1));
      written++;
    }
  }
}
console.log(`crd-schemas: ${written} schemas in ${target}`);
