/** A JSON Schema as zod writes it, as far as examples need it. */
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  minItems?: number;
  additionalProperties?: Schema | boolean;
}

/** Values for fields whose name says what they hold, so that examples read like real data. */
const BY_NAME: Record<string, unknown> = {
  givenName: "Ada", familyName: "Lovelace", displayName: "Ada Lovelace", name: "Analytical Engines Ltd", title: "Head of Research",
  email: "ada@example.com", address: "ada@example.com", phone: "+442079460958", number: "+442079460958", city: "London", country: "GB",
  region: "England", postalCode: "SW1A 1AA", domain: "example.com", language: "en-GB", timeZone: "Europe/London", birthday: "1815-12-10",
  url: "https://hooks.example.com/crm", ownerId: "user-ada", createdBy: "user-ada", updatedBy: "user-ada", currencyCode: "GBP", amount: "1250000.00",
  filter: "and(type[eq]:customer,country[in]:[GB,PL])", orderBy: "updatedAt[desc]", q: "ada love",
};
const SAMPLE_ID = "0190f2a4-7c1e-7a3b-9d2f-4b6e8c1a2f3d";

/** A media type object with its schema and an example: the schema's own, or one built from it. */
export function withExamples(schema: object): { schema: object; example: unknown } {
  return { schema, example: exampleOf(schema as Schema, "", 0) };
}

export function exampleOf(schema: Schema, name: string, depth: number): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum.find((value) => value !== "") ?? schema.enum[0];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const branch = branches.find((b) => b.type !== "null") ?? branches[0];
    return branch ? exampleOf(branch, name, depth) : null;
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (depth > 8) return null;
  switch (type) {
    case "object": {
      const properties = Object.entries(schema.properties ?? {}).map(([key, property]) => [key, exampleOf(property, key, depth + 1)]);
      if (properties.length === 0 && typeof schema.additionalProperties === "object") return { key: exampleOf(schema.additionalProperties, "", depth + 1) };
      return Object.fromEntries(properties);
    }
    case "array":
      return schema.items ? [exampleOf(schema.items, singular(name), depth + 1)] : [];
    case "string":
      return stringExample(schema, name);
    case "integer":
    case "number":
      return typeof BY_NAME[name] === "number" ? BY_NAME[name] : Math.max(schema.minimum ?? 1, 1);
    case "boolean":
      return true;
    default:
      return null;
  }
}

function stringExample(schema: Schema, name: string): string {
  if (schema.format === "date-time" || /At$/.test(name)) return "2026-01-15T09:30:00.000Z";
  if (schema.pattern?.includes("[0-9a-f]{8}") || name === "id" || /Id$/.test(name)) return SAMPLE_ID;
  if (schema.pattern?.includes('"')) return 'W/"1"';
  const known = BY_NAME[name];
  return typeof known === "string" ? known : name ? `${name} text` : "text";
}

function singular(name: string): string {
  return name.endsWith("ies") ? `${name.slice(0, -3)}y` : name.endsWith("s") ? name.slice(0, -1) : name;
}
