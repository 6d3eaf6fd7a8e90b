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
);
