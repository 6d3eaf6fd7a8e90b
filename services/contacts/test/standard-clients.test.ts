import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { IDENTITY_METADATA_KEY } from "@crm/kit";
import { as, startTestService, tenant } from "./support";

// grpcurl and grpc-health-probe, installed by scripts/test.sh, know nothing of this service but
// what its reflection and health services say: they must be able to list, describe and call it.
const run = promisify(execFile);
let harness: Awaited<ReturnType<typeof startTestService>>;
let address: string;

beforeAll(async () => {
  harness = await startTestService("standard_clients");
  address = `127.0.0.1:${harness.service.ports.grpcPort}`;
});
afterAll(() => harness.stop());

const grpcurl = async (...args: string[]) => (await run("grpcurl", ["-plaintext", ...args], { timeout: 20_000 })).stdout;

describe("standard gRPC clients", () => {
  it("grpcurl lists the services, health included, and describes every one of them", async () => {
    const services = (await grpcurl(address, "list")).trim().split("\n");
    expect(services).toEqual(expect.arrayContaining(["crm.contacts.v1.ContactsService", "grpc.health.v1.Health"]));
    // `describe` resolves every message each method uses, well-known types included.
    const described = await grpcurl(address, "describe");
    expect(described).toContain("rpc GetContact ( .crm.contacts.v1.GetContactRequest ) returns ( .crm.contacts.v1.GetContactResponse )");
    const contact = await grpcurl(address, "describe", "crm.contacts.v1.Contact");
    expect(contact).toContain(".google.protobuf.Timestamp create_time");
  });

  it("grpcurl calls health and a method from reflection alone", async () => {
    expect(JSON.parse(await grpcurl(address, "grpc.health.v1.Health/Check"))).toEqual({ status: "SERVING" });
    const { identityToken } = await as(tenant("grpcurl"));
    const created = JSON.parse(await grpcurl("-H", `${IDENTITY_METADATA_KEY}: ${identityToken}`, "-d", '{"contact":{"givenName":"Curl","familyName":"Grpc"}}', address, "crm.contacts.v1.ContactsService/CreateContact"));
    expect(created.contact).toMatchObject({ givenName: "Curl", familyName: "Grpc", displayName: "Curl Grpc" });
  });

  it("grpc-health-probe reports the service as serving", async () => {
    const { stdout, stderr } = await run("grpc-health-probe", [`-addr=${address}`, "-service=crm.contacts.v1.ContactsService"], { timeout: 20_000 });
    expect(stdout + stderr).toContain("status: SERVING");
  });
});
