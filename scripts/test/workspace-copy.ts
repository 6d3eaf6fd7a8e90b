import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export const ROOT = path.resolve(__dirname, "../..");
const NOT_COPIED = new Set(["node_modules", ".data", ".git", ".turbo", ".tools", "coverage"]);
const execute = promisify(execFile);

/**
 * A copy of this workspace in a temporary folder, to change freely: without node_modules, .data
 * and .git (built output is kept, so that only what a test changes is built again), its
 * dependencies linked from pnpm's store without the network.
 */
export async function copyWorkspace(prefix: string) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(ROOT, dir, { recursive: true, filter: (source) => !NOT_COPIED.has(path.basename(source)) });
  const workspace = {
    dir,
    /** Runs a command in the copy; a failure carries the end of its output. */
    async run(command: string, args: string[], timeoutMs = 300_000): Promise<string> {
      try {
        return (await execute(command, args, { cwd: dir, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 })).stdout;
      } catch (error) {
        const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
        throw new Error(`${command} ${args.join(" ")} failed:\n${`${stdout}\n${stderr}`.slice(-4_000)}`);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  await workspace.run("pnpm", ["install", "--offline", "--frozen-lockfile", "--reporter=silent"]);
  return workspace;
}
