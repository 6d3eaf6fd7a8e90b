import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadRegistry, registeredService } from "../src";

const write = (content: object) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "registry-")), "services.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
};
const contacts = { name: "contacts", grpcPort: 50051, opsPort: 9461, addressEnv: "CONTACTS_ADDRESS", gatewayModule: "modules/contacts" };

describe("service registry", () => {
  it("reads the repository's registry, contacts included", () => {
    expect(registeredService("contacts")).toMatchObject({ grpcPort: 50051, opsPort: 9461, addressEnv: "CONTACTS_ADDRESS" });
  });

  it("names a service that is not registered", () => {
    expect(() => registeredService("nobody")).toThrow('service "nobody" is not registered');
  });

  it("refuses a port used twice and a name registered twice, naming each", () => {
    const file = write({
      gateway: { port: 8080, opsPort: 9460 },
      services: [contacts, { ...contacts, grpcPort: 50052, opsPort: 9460 }],
    });
    expect(() => loadRegistry(file)).toThrow(/services\.1\.name: contacts is registered twice[\s\S]*services\.1\.opsPort: port 9460 is already gateway \(ops\)'s/);
  });

  it("refuses malformed entries", () => {
    const file = write({ gateway: { port: 8080, opsPort: 9460 }, services: [{ ...contacts, name: "Sales_Pipeline", addressEnv: "sales" }] });
    expect(() => loadRegistry(file)).toThrow(/name: must be lower-case words[\s\S]*addressEnv: must be an upper-case name/);
  });
});
