/** A readable, dependency-free reference page rendered from the OpenAPI document. */
export function renderReferencePage(document: { info: { title: string; version: string }; paths: object }): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const operations = Object.entries(document.paths as Record<string, Record<string, { summary: string; "x-permission": string; parameters: Parameter[] }>>)
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })))
    .map(
      ({ path, method, op }) => `<section><h2><code>${method.toUpperCase()} ${escape(path)}</code></h2><p>${escape(op.summary)}</p>
<p>Requires <code>${escape(op["x-permission"])}</code></p>
<ul>${op.parameters.flatMap(fieldsOf).map((p) => `<li><code>${escape(p.name)}</code> (${p.in}${p.required ? ", required" : ""})</li>`).join("")}</ul></section>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(document.info.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .2em}section{border-top:1px solid #ddd}</style></head>
<body><h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Errors are <code>application/problem+json</code>. List routes take
<code>filter</code>, <code>orderBy</code>, <code>limit</code>, <code>after</code> and <code>before</code>.</p>
${operations}</body></html>`;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  explode?: boolean;
  schema?: { properties?: Record<string, unknown>; required?: string[] };
}

/** A query described as one exploded object stands for its fields. */
function fieldsOf(parameter: Parameter): Parameter[] {
  const properties = parameter.explode ? parameter.schema?.properties : undefined;
  if (!properties) return [parameter];
  return Object.keys(properties).map((name) => ({ name, in: parameter.in, required: parameter.schema?.required?.includes(name) ?? false }));
}
