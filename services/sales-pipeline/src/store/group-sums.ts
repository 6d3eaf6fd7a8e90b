import type { Model, PipelineStage } from "mongoose";

/**
 * Sums per group: `$match`, then `$group` by `id` with one `$sum` per named field. FerretDB 1.24
 * fills only the first accumulator of a `$group` (its accumulators share one iterator of the
 * group's documents, which the first one exhausts: the others answer 0), so each sum runs as an
 * aggregation of its own, in parallel, and the rows are joined by group; on MongoDB one `$group`
 * would do. Answers one row per group: its `_id` and each sum.
 */
export async function groupSums<K extends string>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: the pipeline is built at run time
  model: Model<any>,
  pipeline: PipelineStage[],
  id: unknown,
  sums: Record<K, 1 | string>,
): Promise<Array<{ _id: unknown } & Record<K, number>>> {
  const names = Object.keys(sums) as K[];
  const results = await Promise.all(names.map((name) => model.aggregate<{ _id: unknown; value: number }>([...pipeline, { $group: { _id: id, value: { $sum: sums[name] } } } as PipelineStage])));
  const rows = new Map<string, { _id: unknown } & Record<K, number>>();
  results.forEach((result, index) => {
    for (const { _id, value } of result) {
      const key = JSON.stringify(_id);
      const row = rows.get(key) ?? ({ _id, ...Object.fromEntries(names.map((name) => [name, 0])) } as { _id: unknown } & Record<K, number>);
      (row as Record<string, unknown>)[names[index]!] = value;
      rows.set(key, row);
    }
  });
  return [...rows.values()];
}
