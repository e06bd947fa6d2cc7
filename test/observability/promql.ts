/**
 * The metric names a PromQL expression (or a Grafana variable query) reads, found without a full
 * parser: strings, label matchers, grouping clauses, durations, numbers and Grafana variables are
 * removed first, then every identifier left that is not followed by `(` (a function or an aggregation)
 * and is not a keyword is a metric name.
 */
export function metricNamesIn(query: string): string[] {
  const expr = query
    // Grafana's variables ($job, ${instance}, $__rate_interval) stand in for values and durations.
    .replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*/g, '0')
    // Grafana variable queries: `label_values(metric{…}, label)` reads `metric`; `label_values(label)`
    // reads nothing; `query_result(expr)` reads what `expr` reads.
    .replace(/label_values\(\s*([^,()]*(?:\{[^}]*\})?)\s*,\s*[A-Za-z_]\w*\s*\)/g, '$1')
    .replace(/label_values\(\s*[A-Za-z_]\w*\s*\)/g, '')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+-?[\w.]+/g, ' ')
    .replace(/@\s*[\w.()]+/g, ' ')
    .replace(/(?<![\w:])\d[\w.]*(?:[eE][+-]?\d+)?/g, ' ');
  const names = new Set<string>();
  for (const match of expr.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const name = match[0];
    const next = expr.slice(match.index + name.length).trimStart()[0];
    if (next !== '(' && !KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

/** Words PromQL reserves that can stand without a following `(`. */
const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'inf',
  'nan',
]);

/** The names a histogram or summary exposes besides its own (`# TYPE` names only the base). */
const SERIES_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * Whether `name` is exposed in a Prometheus text exposition whose `# TYPE` lines declared `types`:
 * declared itself, or a `_bucket`/`_sum`/`_count` of a declared histogram or summary.
 */
export function isExposed(name: string, types: ReadonlyMap<string, string>): boolean {
  if (types.has(name)) return true;
  const suffix = SERIES_SUFFIXES.find((candidate) => name.endsWith(candidate));
  if (!suffix) return false;
  const type = types.get(name.slice(0, -suffix.length));
  return type === 'histogram' || type === 'summary';
}

/** `# TYPE name type` lines of a text exposition, as name -> type. */
export function declaredTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}
