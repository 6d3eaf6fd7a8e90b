import { commonV1 } from "@crm/proto";
import { parseFilter } from "../src/query/filter-parser";
import { signedHeaders } from "../src/webhooks/signature";
import { matchesFilter } from "../src/webhooks/payload-filter";
import { TargetGuard } from "../src/webhooks/target-guard";
import { typeMatches } from "../src/webhooks/event-types";

describe("webhook targets", () => {
  const guard = new TargetGuard("10.20.0.0/16");

  it.each([
    ["127.0.0.1", false], ["10.0.0.5", false], ["172.20.1.1", false], ["192.168.1.1", false], ["169.254.169.254", false], ["100.64.0.1", false],
    ["0.0.0.0", false], ["::1", false], ["fe80::1", false], ["fd00::1", false], ["::ffff:127.0.0.1", false], ["::ffff:7f00:1", false], ["64:ff9b::a9fe:a9fe", false],
    ["93.184.216.34", true], ["2606:4700::1111", true], ["::ffff:93.184.216.34", true],
    // Allowed by the operator.
    ["10.20.3.4", true],
  ])("%s may be reached: %s", (address, permitted) => {
    expect(guard.permits(address)).toBe(permitted);
  });

  it("refuses URLs that are not http(s), carry credentials, or name a forbidden address", async () => {
    expect(await guard.refusal("https://93.184.216.34/hook")).toBeUndefined();
    expect(await guard.refusal("file:///etc/passwd")).toMatch(/http or https/);
    expect(await guard.refusal("https://user:pw@93.184.216.34/")).toMatch(/credentials/);
    expect(await guard.refusal("http://[::1]/")).toMatch(/private/);
    expect(await guard.refusal("http://localhost/")).toMatch(/private/);
  });

  it("refuses at connection time a name that now resolves to a forbidden address", async () => {
    const error = await new Promise<Error | null>((resolve) => guard.lookup("localhost", {}, (e) => resolve(e as Error | null)));
    expect(error?.message).toMatch(/may not reach/);
  });
});

describe("webhook subscriptions' filters and types", () => {
  const data = { contactId: "c1", relationshipType: "customer", organizationIds: ["o1", "o2"], score: 42 };
  it.each([
    ["relationshipType[eq]:customer", true],
    ["relationshipType[eq]:prospect", false],
    ["organizationIds[eq]:o2", true],
    ["and(relationshipType[in]:[customer,partner],score[gte]:40)", true],
    ["or(score[lt]:10,ownerId[exists]:true)", false],
    ["displayName[startsWith]:A", false],
  ])("%s matches: %s", (filter, matches) => {
    expect(matchesFilter(parseFilter(filter), data)).toBe(matches);
  });

  it("matches event types by exact name and by prefix patterns", () => {
    expect(typeMatches("contacts.contact.created", "contacts.contact.created")).toBe(true);
    expect(typeMatches("contacts.*", "contacts.organization.changed")).toBe(true);
    expect(typeMatches("contacts.contact.*", "contacts.organization.changed")).toBe(false);
    expect(typeMatches("*", "consent.subject.erasure_completed")).toBe(true);
    expect(matchesFilter(undefined as commonV1.Filter | undefined, data)).toBe(true);
  });
});

describe("Standard Webhooks signature", () => {
  it("matches the specification's published example", () => {
    // From the Standard Webhooks specification's test vectors.
    const headers = signedHeaders("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", '{"test": 2432232314}', new Date(1614265330 * 1000));
    expect(headers["webhook-signature"]).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    expect(headers["webhook-timestamp"]).toBe("1614265330");
  });
});
