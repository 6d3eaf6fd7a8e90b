/** A document without the fields a domain object leaves undefined, which MongoDB would store as null. */
export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
