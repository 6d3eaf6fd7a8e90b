// The new package's entry in pnpm-lock.yaml, written from what the lockfile already resolves, so
// that linking it needs no registry: pnpm re-resolves a new importer from package metadata, which
// a frozen install never downloaded (it failed on a machine whose registry did not answer).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const SECTIONS = ["dependencies", "devDependencies"];

/**
 * Adds the importer `relativeDir` (e.g. services/sales-pipeline) for its package.json to the
 * lockfile. Returns false, changing nothing, when a dependency is not resolved for any other
 * importer with the same specifier (then only pnpm can resolve it).
 */
export function lockNewImporter(root, relativeDir) {
  const lockfilePath = path.join(root, "pnpm-lock.yaml");
  const text = readFileSync(lockfilePath, "utf8");
  const importers = parse(text).importers ?? {};
  const manifest = JSON.parse(readFileSync(path.join(root, relativeDir, "package.json"), "utf8"));
  const lines = [`  ${relativeDir}:`];
  for (const section of SECTIONS) {
    const wanted = Object.entries(manifest[section] ?? {}).sort(([a], [b]) => a.localeCompare(b));
    if (wanted.length === 0) continue;
    lines.push(`    ${section}:`);
    for (const [name, specifier] of wanted) {
      const version = resolvedVersion(importers, root, relativeDir, name, specifier);
      if (!version) return false;
      lines.push(`      ${name.startsWith("@") ? `'${name}'` : name}:`, `        specifier: ${specifier}`, `        version: ${version}`);
    }
  }
  const next = Object.keys(importers).find((other) => other > relativeDir);
  const anchor = next ? `\n  ${next}:\n` : "\npackages:\n";
  const at = text.indexOf(anchor);
  if (at < 0) return false;
  writeFileSync(lockfilePath, `${text.slice(0, at)}\n${lines.join("\n")}\n${text.slice(at)}`);
  return true;
}

/** The version another importer resolved for the same specifier; workspace links re-pointed from the new folder. */
function resolvedVersion(importers, root, relativeDir, name, specifier) {
  for (const [importer, entry] of Object.entries(importers)) {
    for (const section of SECTIONS) {
      const resolved = entry[section]?.[name];
      if (resolved?.specifier !== specifier) continue;
      const version = String(resolved.version);
      if (!version.startsWith("link:")) return version;
      const target = path.resolve(root, importer, version.slice("link:".length));
      return `link:${path.relative(path.join(root, relativeDir), target)}`;
    }
  }
  return undefined;
}
