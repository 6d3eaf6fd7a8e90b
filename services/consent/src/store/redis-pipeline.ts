/** The replies of a pipeline, in order; the first failed command fails it (ioredis reports them one by one). */
export async function execAll(pipeline: { exec(): Promise<Array<[Error | null, unknown]> | null> }): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0];
  return replies.map(([, reply]) => reply);
}
