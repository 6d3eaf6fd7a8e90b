import { HttpError } from "./problem";

/** The chunks of an upload, until it passes `limit` bytes: then 413 (a body sent without Content-Length is counted as it comes). */
export async function* limitedBody(chunks: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let received = 0;
  for await (const chunk of chunks) {
    received += chunk.length;
    if (received > limit) throw new HttpError(413, `the file is larger than ${limit} bytes`);
    yield chunk;
  }
}
