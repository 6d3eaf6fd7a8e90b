import { readFileSync } from "node:fs";
import { freePort } from "../src/processes";

const withWorker = async <T>(id: string | undefined, pick: () => Promise<T>): Promise<T> => {
  const saved = process.env.JEST_WORKER_ID;
  if (id === undefined) delete process.env.JEST_WORKER_ID;
  else process.env.JEST_WORKER_ID = id;
  try {
    return await pick();
  } finally {
    process.env.JEST_WORKER_ID = saved;
  }
};

const picks = async (count: number) => {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
};

it("never hands out a port twice in a row of picks, though none is bound in between", async () => {
  const ports = await picks(200);
  expect(new Set(ports).size).toBe(200);
});

it("gives parallel jest workers disjoint ports", async () => {
  const first = await withWorker("1", () => picks(100));
  const second = await withWorker("2", () => picks(100));
  const outside = await withWorker(undefined, () => picks(20));
  expect(Math.max(...first)).toBeLessThan(Math.min(...second));
  // Below the kernel's own picks, which any outgoing connection may take.
  const ephemeralStart = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
  for (const port of [...first, ...second, ...outside]) {
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(ephemeralStart);
  }
});
