// One jest run over every package, so the whole suite reports one summary. Projects are the
// workspace folders that have a jest.config.js, so that a generated service is tested without
// being listed here.
const { existsSync, readdirSync } = require("node:fs");
const path = require("node:path");

const folders = (parent) => readdirSync(path.join(__dirname, parent), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${parent}/${e.name}`);
const projects = [...folders("packages"), ...folders("services"), "gateway", "scripts"]
  .filter((folder) => existsSync(path.join(__dirname, folder, "jest.config.js")))
  .map((folder) => `<rootDir>/${folder}`);

/** @type {import('jest').Config} */
module.exports = {
  projects,
  maxWorkers: 2,
  // testTimeout is a global option: the projects' own setting is ignored in a multi-project run.
  testTimeout: 30_000,
};
