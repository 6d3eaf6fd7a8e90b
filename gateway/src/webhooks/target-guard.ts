import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";

/** Networks a webhook may not reach: private, loopback, link-local, shared, multicast, reserved, documentation. */
const FORBIDDEN: Array<[string, number, "ipv4" | "ipv6"]> = [
  ["0.0.0.0", 8, "ipv4"], ["10.0.0.0", 8, "ipv4"], ["100.64.0.0", 10, "ipv4"], ["127.0.0.0", 8, "ipv4"], ["169.254.0.0", 16, "ipv4"],
  ["172.16.0.0", 12, "ipv4"], ["192.0.0.0", 24, "ipv4"], ["192.0.2.0", 24, "ipv4"], ["192.168.0.0", 16, "ipv4"], ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"], ["203.0.113.0", 24, "ipv4"], ["224.0.0.0", 4, "ipv4"], ["240.0.0.0", 4, "ipv4"],
  ["::", 128, "ipv6"], ["::1", 128, "ipv6"], ["fc00::", 7, "ipv6"], ["fe80::", 10, "ipv6"], ["ff00::", 8, "ipv6"], ["2001:db8::", 32, "ipv6"],
];

/**
 * Decides which addresses webhook deliveries may connect to: public ones, and the private
 * networks an operator allowed (WEBHOOK_ALLOWED_NETWORKS, e.g. an in-cluster receiver).
 * The check runs when a subscription is saved and again on every connection, on the address
 * actually connected to (`lookup`), so that a name re-pointed at a private address after the
 * check (DNS rebinding) is refused.
 */
export class TargetGuard {
  private readonly forbidden = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowedNetworks: string) {
    for (const [network, prefix, type] of FORBIDDEN) this.forbidden.addSubnet(network, prefix, type);
    for (const cidr of allowedNetworks.split(",").map((s) => s.trim()).filter(Boolean)) {
      const [network, prefix] = cidr.split("/");
      const type = isIP(network ?? "") === 6 ? "ipv6" : "ipv4";
      this.allowed.addSubnet(network!, Number(prefix ?? (type === "ipv6" ? 128 : 32)), type);
    }
  }

  /** Whether a connection to this address is allowed. */
  permits(address: string): boolean {
    const v4 = embeddedIpv4(address);
    const [ip, type] = v4 ? [v4, "ipv4" as const] : [address, isIP(address) === 6 ? ("ipv6" as const) : ("ipv4" as const)];
    return !this.forbidden.check(ip, type) || this.allowed.check(ip, type);
  }

  /** Why a URL may not be a webhook target, or undefined when it may (resolving its name now). */
  async refusal(url: string): Promise<string | undefined> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return "is not a URL";
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "must be an http or https URL";
    if (parsed.username || parsed.password) return "must not carry credentials";
    const host = parsed.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(host) ? [host] : await resolveAll(host).catch(() => undefined);
    if (!addresses || addresses.length === 0) return "does not resolve";
    const blocked = addresses.find((address) => !this.permits(address));
    return blocked ? "resolves to a private, loopback or link-local address, which webhooks may not reach" : undefined;
  }

  /** A `lookup` for http.request that connects only to permitted addresses. */
  readonly lookup = (hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void): void => {
    const family = options.family === 4 || options.family === "IPv4" ? 4 : options.family === 6 || options.family === "IPv6" ? 6 : 0;
    dnsLookup(hostname, { family, all: true }, (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const refused = addresses.find(({ address }) => !this.permits(address));
      if (refused || addresses.length === 0) {
        return callback(Object.assign(new Error(`${hostname} resolves to an address webhooks may not reach`), { code: "EWEBHOOKTARGET" }));
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) => dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses.map((a) => a.address)))));
}

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (match) return match[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}
