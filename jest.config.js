// One jest run over every package, so the whole suite reports one summary.
/** @type {import('jest').Config} */
module.exports = {
  projects: ["<rootDir>/packages/kit", "<rootDir>/services/contacts", "<rootDir>/gateway"],
  maxWorkers: 2,
  // testTimeout is a global option: the projects' own setting is ignored in a multi-project run.
  testTimeout: 30_000,
};
