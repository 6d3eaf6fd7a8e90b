import path from "node:path";
import express, { Router } from "express";

/**
 * The API reference at /docs: Swagger UI (schemas, examples, authentication, "Try it out"),
 * served from the swagger-ui-dist package's own files, no CDN, under a policy that lets the
 * page load scripts only from here.
 */
export function referencePage(title: string): Router {
  // The package's folder, found without loading its main module (which would load the 1.5 MB bundle into this process).
  const assets = path.dirname(require.resolve("swagger-ui-dist/package.json"));
  const router = Router();
  router.use("/docs", (_req, res, next) => {
    res.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'");
    next();
  });
  router.get("/docs", (_req, res) => void res.type("html").send(page(title)));
  router.get("/docs/start.js", (_req, res) => void res.type("application/javascript").send(START));
  router.use("/docs/assets", express.static(path.resolve(assets), { index: false, maxAge: "1d" }));
  return router;
}

const START = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  displayOperationId: true,
  persistAuthorization: true,
  defaultModelsExpandDepth: 1,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

function page(title: string): string {
  const escaped = title.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escaped}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body></html>`;
}
