import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { copyWorkspace } from "./workspace-copy";

// scripts/generate-proto.sh (run by scripts/test.sh with --check) refuses an API change that
// would break released clients: against the last main commit when there is git history, against
// the committed descriptor set when there is none; and it notices generated code that does not
// match the protos. Each case edits a fresh copy of the workspace.

const EVENTS = "proto/crm/events/v1/contacts.proto";
const CONTACTS = "proto/crm/contacts/v1/contacts.proto";

type Edit = [file: string, change: (text: string) => string];

const removeField: Edit = [EVENTS, (text) => text.replace("  string owner_id = 5;\n", "")];
const renumberField: Edit = [EVENTS, (text) => text.replace("  string owner_id = 5;", "  string owner_id = 15;")];
const renameMethod: Edit = [CONTACTS, (text) => text.replaceAll("UndoContactMerge", "RevertContactMerge")];
const addField: Edit = [EVENTS, (text) => text.replace("  string owner_id = 5;", "  string owner_id = 5;\n  string source = 99;")];

/** Runs the proto generation after one edit, in a copy with or without git history; resolves with its outcome. */
async function generateAfter([file, change]: Edit, history: "git" | "none", ...options: string[]): Promise<{ ok: boolean; output: string }> {
  const workspace = await copyWorkspace("crm-proto-breaking-");
  try {
    if (history === "git") {
      const git = (...args: string[]) => workspace.run("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args]);
      await git("init", "--quiet", "--initial-branch=main");
      await git("add", "--all");
      await git("commit", "--quiet", "--message=baseline");
    }
    const target = path.join(workspace.dir, file);
    writeFileSync(target, change(readFileSync(target, "utf8")));
    return await workspace.run("bash", ["scripts/generate-proto.sh", ...options]).then(
      (output) => ({ ok: true, output }),
      (error: Error) => ({ ok: false, output: error.message }),
    );
  } finally {
    workspace.remove();
  }
}

describe("proto breaking-change check", () => {
  it.each([
    ["a removed field", removeField, 'Previously present field "5" with name "owner_id" on message "ContactCreated" was deleted'],
    ["a renumbered field", renumberField, 'Previously present field "5" with name "owner_id" on message "ContactCreated" was deleted'],
    ["a renamed method", renameMethod, 'Previously present RPC "UndoContactMerge" on service "ContactsService" was deleted'],
  ])("refuses %s against the last main commit", async (_case, edit, reason) => {
    const { ok, output } = await generateAfter(edit, "git");
    expect(ok).toBe(false);
    expect(output).toContain(reason);
    expect(output).toMatch(/breaking change to the protos against commit [0-9a-f]{12}/);
  }, 60_000);

  it("refuses a removed field against the committed descriptor set when there is no git history", async () => {
    const { ok, output } = await generateAfter(removeField, "none");
    expect(ok).toBe(false);
    expect(output).toContain("against the committed descriptor set (no git history)");
  }, 60_000);

  it("notices generated code that does not match the protos (--check)", async () => {
    const edited: Edit = ["packages/proto/src/gen/crm/common/v1/query.ts", (text) => text.replace("export const protobufPackage", "export const edited = 1;\nexport const protobufPackage")];
    const { ok, output } = await generateAfter(edited, "none", "--check");
    expect(ok).toBe(false);
    expect(output).toContain("generated code in packages/proto was out of date with proto/");
  }, 60_000);

  it("lets a new field through", async () => {
    const { ok, output } = await generateAfter(addField, "git");
    expect({ ok, output: ok ? "" : output }).toEqual({ ok: true, output: "" });
  }, 60_000);
});
