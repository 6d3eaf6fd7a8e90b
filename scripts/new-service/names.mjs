// The names a new service is known by in each place (folder, proto package, TypeScript, NATS,
// environment, REST), all derived from its name and its resource's, and the rules they must follow.

const KEBAB = /^[a-z][a-z0-9]*(-[a-z][a-z0-9]*)*$/;

/** Names the platform already uses for something else, or that the kit's own names would shadow. */
const RESERVED_SERVICES = new Set(["gateway", "kit", "testing", "proto", "registry", "common", "events", "google", "grpc", "bench", "dead-letter", "new-service"]);
const RESERVED_RESOURCES = new Set([
  "array", "boolean", "buffer", "client", "connection", "date", "error", "event", "filter", "function", "identity", "map", "meta", "model",
  "number", "object", "outbox", "page", "promise", "record", "request", "response", "schema", "service", "set", "status", "string",
  "symbol", "tenant", "timestamp",
]);

export class NameError extends Error {}

function check(kind, value, reserved) {
  if (typeof value !== "string" || !KEBAB.test(value) || value.length > 40) {
    throw new NameError(`${kind} "${value ?? ""}" is not valid: use lower-case words of letters and digits joined by dashes, starting with a letter, at most 40 characters (e.g. sales-pipeline)`);
  }
  if (reserved.has(value)) throw new NameError(`${kind} "${value}" is reserved on this platform; choose another`);
}

const capital = (word) => word[0].toUpperCase() + word.slice(1);

/** "ticket" -> "tickets", "opportunity" -> "opportunities", "batch" -> "batches". */
export function pluralOf(word) {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** "tickets" -> "ticket", "activities" -> "activity", "consent" -> "consent". */
export function singularOf(word) {
  if (/ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(ss|us|is)$/.test(word)) return word;
  if (/(x|z|ch|sh|ss)es$/.test(word)) return word.slice(0, -2);
  return word.replace(/s$/, "");
}

/** Every spelling of a kebab-case name. */
function spellings(kebab) {
  const words = kebab.split("-");
  return {
    kebab,
    snake: words.join("_"),
    pascal: words.map(capital).join(""),
    camel: words[0] + words.slice(1).map(capital).join(""),
    constant: words.join("_").toUpperCase(),
    words: words.join(" "),
    title: capital(words.join(" ")),
  };
}

/**
 * The template's placeholders for a service and its one resource. The resource defaults to the
 * singular of the service's last word (support-tickets -> ticket, sales-pipeline -> pipeline).
 */
export function namesFor(service, options = {}) {
  check("service name", service, RESERVED_SERVICES);
  const resource = options.resource ?? singularOf(service.split("-").at(-1));
  check("resource name", resource, RESERVED_RESOURCES);
  const resources = options.plural ?? resource.replace(/[a-z0-9]+$/, pluralOf);
  check("resource plural", resources, RESERVED_RESOURCES);
  if (resources === resource) throw new NameError(`the plural of "${resource}" must differ from it; give one with --plural`);
  const s = spellings(service);
  const r = spellings(resource);
  const rs = spellings(resources);
  return {
    service: s.kebab,
    service_snake: s.snake,
    ServicePascal: s.pascal,
    serviceCamel: s.camel,
    SERVICE_CONST: s.constant,
    serviceTitle: s.title,
    resource: r.kebab,
    resource_snake: r.snake,
    Resource: r.pascal,
    resourceCamel: r.camel,
    RESOURCE: r.constant,
    resourceWords: r.words,
    resources: rs.kebab,
    resources_snake: rs.snake,
    Resources: rs.pascal,
    resourcesCamel: rs.camel,
    resourcesWords: rs.words,
    resourcesTitle: rs.title,
  };
}

/** Fills `{{name}}` placeholders; a placeholder without a value is a mistake in the template. */
export function render(text, values, where) {
  return text.replace(/\{\{(\w+)\}\}/g, (match, key) => {
    if (!(key in values)) throw new Error(`${where}: unknown placeholder ${match}`);
    return String(values[key]);
  });
}
