// One jest run over every package, so the whole suite reports one summary.
/** @type {import('jest').Config} */
module.exports = {
  projects: ["<rootDir>/packages/kit", "<rootDir>/services/contacts", "<rootDir>/gateway"],
  maxWorkers: 2,
};
