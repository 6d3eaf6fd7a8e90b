import { ValidationError } from "@crm/kit/edge";
import type { z } from "zod";

/** Parses input with a schema; failures become one ValidationError listing every field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ""): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const violations = result.error.issues.flatMap((issue) => {
    const base = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ field: [base, key].filter(Boolean).join("."), description: "is not a known field" }));
    }
    return [{ field: base || prefix || "body", description: issue.message }];
  });
  throw new ValidationError(violations);
}
