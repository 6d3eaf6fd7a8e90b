import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/src/gen/**", "**/node_modules/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Services are independent: they share only packages/* (contracts and the kit).
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/services/*", "@crm/contacts", "@crm/gateway"], message: "Import only from packages/* (@crm/proto, @crm/kit)." }] },
      ],
    },
  },
  {
    // The gateway takes the kit's edge entry: the full kit loads MongoDB, Redis and the bus it never uses.
    files: ["gateway/src/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@crm/kit", message: "Import from @crm/kit/edge in the gateway." }],
          patterns: [{ group: ["**/services/*", "@crm/contacts", "@crm/gateway"], message: "Import only from packages/* (@crm/proto, @crm/kit)." }],
        },
      ],
    },
  },
);
