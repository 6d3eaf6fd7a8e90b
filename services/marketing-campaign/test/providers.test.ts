import { mkdtemp, readdir, readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { PermanentSendError, type OutgoingMessage } from "../src/sending/channel-provider";
import { FileProvider } from "../src/sending/file-provider";
import { SmtpProvider } from "../src/sending/smtp-provider";

// The channel providers against the real thing: the file system, and an SMTP server on a free port.
const message = (fields: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  tenantId: "t1", campaignId: "k1", messageId: "7e1e7678-ac40-8343-9d4e-51c261866d07", contactId: "c1", channel: "email", variant: "a",
  from: "News <news@example.com>", to: "ada@example.com", subject: "Hello Ada", body: "Dear Ada,\nour news.", ...fields,
});

describe("the file provider", () => {
  it("writes each message once by its id, and tells after a crash whether it left", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "outbox-"));
    const provider = new FileProvider(dir, "crm.test");
    expect(await provider.reconcile(message())).toBe("not_sent");
    await provider.send(message());
    // Sent again (a retry after a crash, even with other content): the first file stands.
    await provider.send(message({ body: "changed" }));
    const folder = path.join(dir, "t1", "k1");
    expect(await readdir(folder)).toEqual(["7e1e7678-ac40-8343-9d4e-51c261866d07.eml"]);
    const eml = await readFile(path.join(folder, "7e1e7678-ac40-8343-9d4e-51c261866d07.eml"), "utf8");
    expect(eml).toMatch(/^Message-ID: <7e1e7678-ac40-8343-9d4e-51c261866d07@crm\.test>$/m);
    expect(eml).toMatch(/^X-Crm-Contact-ID: c1$/m);
    expect(eml).toContain("Dear Ada,");
    expect(await provider.reconcile(message())).toBe("sent");
    await provider.send(message({ channel: "sms", messageId: "8e1e7678-ac40-8343-9d4e-51c261866d07", to: "+48601000001" }));
    expect((await readdir(folder)).sort()).toEqual(["7e1e7678-ac40-8343-9d4e-51c261866d07.eml", "8e1e7678-ac40-8343-9d4e-51c261866d07.sms.txt"]);
  });
});

describe("the SMTP provider", () => {
  let server: SMTPServer;
  let port: number;
  const received: Array<{ to: string[]; data: string }> = [];

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith("nobody@")) return callback(Object.assign(new Error("no such mailbox"), { responseCode: 550 }));
        callback();
      },
      onData(stream, session, callback) {
        let data = "";
        stream.on("data", (chunk: Buffer) => (data += chunk.toString()));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((rcpt) => rcpt.address), data });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("sends through the relay with our message id, refuses a mailbox for good, and cannot tell after a crash", async () => {
    const provider = new SmtpProvider({ host: "127.0.0.1", port, secure: false, maxConnections: 2, domain: "crm.test" });
    try {
      await provider.send(message());
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toEqual(["ada@example.com"]);
      expect(received[0]!.data).toMatch(/^Message-ID: <7e1e7678-ac40-8343-9d4e-51c261866d07@crm\.test>$/m);
      expect(received[0]!.data).toMatch(/^X-Crm-Message-ID: 7e1e7678-ac40-8343-9d4e-51c261866d07$/m);
      await expect(provider.send(message({ to: "nobody@example.com" }))).rejects.toBeInstanceOf(PermanentSendError);
      await expect(provider.send(message({ channel: "sms" }))).rejects.toBeInstanceOf(PermanentSendError);
      expect(await provider.reconcile()).toBe("unknown");
    } finally {
      await provider.close();
    }
  });
});
