// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read loosely in assertions
export type Body = Record<string, any>;

/** What a call answered. */
export interface GatewayAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: Body;
}

/**
 * A caller of the gateway with one bearer token, for end-to-end tests: each call answers its
 * status, headers, text and JSON body. An object body is sent as JSON, a string as it is (a CSV
 * upload, with its own content type in `headers`). The URL and token are read at each call, so
 * that they can be set in beforeAll.
 */
export function gatewayCalls(target: () => { url: string; token: string }) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<GatewayAnswer> => {
    const { url, token } = target();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && typeof body !== "string" ? { "content-type": "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: (text && response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined) as Body };
  };
}
