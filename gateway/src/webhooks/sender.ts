import http from "node:http";
import https from "node:https";
import type { TargetGuard } from "./target-guard";

export interface SendResult {
  /** The HTTP status, 0 when none came back. */
  status: number;
  error: string;
  durationMs: number;
}

/**
 * POSTs one delivery: connects only where the guard permits (checked on the address connected
 * to), follows no redirect, reads at most a little of the answer, gives up after `timeoutMs`.
 * A 2xx is a success; anything else is for the caller to retry.
 */
export function send(url: string, headers: Record<string, string>, body: string, guard: TargetGuard, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const done = (status: number, error: string): SendResult => ({ status, error, durationMs: Math.round(performance.now() - started) });
  return new Promise((resolve) => {
    const target = new URL(url);
    const request = (target.protocol === "https:" ? https : http).request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "crm-webhooks/1" },
        lookup: guard.lookup as never,
        timeout: timeoutMs,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.once("end", () => resolve(done(status, status >= 200 && status < 300 ? "" : `answered ${status}`)));
        response.once("error", (error) => resolve(done(status, error.message)));
      },
    );
    request.once("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.once("error", (error) => resolve(done(0, error.message)));
    request.end(body);
  });
}
