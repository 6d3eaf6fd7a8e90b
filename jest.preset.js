// Shared jest settings: TypeScript through SWC (type checking is its own task), node environment.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  testTimeout: 30_000,
};
