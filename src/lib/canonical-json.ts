/**
 * JSON text that depends only on the value, not on how it was built: object keys are sorted (by UTF-16
 * code units) at every depth, with no whitespace, and numbers and strings are written as `JSON.stringify`
 * writes them. That is the JSON Canonicalization Scheme of RFC 8785 for the values JSON can carry, so two
 * equal values always give the same text, and the same hash. Like `JSON.stringify`, it leaves out object
 * entries whose value is undefined and uses a value's `toJSON` when it has one.
 */
export function canonicalJson(value: unknown): string {
  const json = (value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? value;
  if (Array.isArray(json)) return `[${json.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (json !== null && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(json);
}
