/**
 * Remembers the results of a pure function of a string, so that a value compared with many
 * candidates is normalised once. Bounded: when full, it forgets everything and starts again.
 */
export function memoise<T>(compute: (key: string) => T, capacity = 20_000): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined) {
      if (results.size >= capacity) results.clear();
      result = compute(key);
      results.set(key, result);
    }
    return result;
  };
}
