import type { Metric, Registry } from 'prom-client';

/** Durations and count of one (route, method, status) series, kept as plain numbers. */
export class RequestSeries {
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  readonly perBucket: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<{ route: string; method: string; status: string }>,
    private readonly upperBounds: readonly number[],
  ) {
    this.perBucket = new Float64Array(upperBounds.length + 1);
  }

  observe(seconds: number): void {
    const bounds = this.upperBounds;
    let index = 0;
    while (index < bounds.length && seconds > bounds[index]!) index++;
    this.perBucket[index]!++;
    this.sum += seconds;
    this.count++;
  }
}

/**
 * The per-request HTTP metrics: `http_request_duration_seconds` (histogram), `http_requests_total` and
 * `http_requests_in_flight`. prom-client hashes the label set on every observation, which costs a tenth
 * of a small request's time; here a request costs a map lookup and a few additions, and the Prometheus
 * series are built when scraped. They are registered in the process's prom-client registry, so /metrics
 * shows them beside the rest in the same format.
 */
export class HttpRequestMetrics {
  /** Requests being served right now. */
  inFlight = 0;
  private readonly series = new Map<string, RequestSeries>();

  constructor(
    registry: Registry,
    private readonly upperBounds: readonly number[],
  ) {
    // The registry asks a metric only for its name, help, type and get(); its typings ask for one of
    // prom-client's own classes, none of which can take counts kept elsewhere.
    const collector = (
      name: string,
      help: string,
      type: 'histogram' | 'counter' | 'gauge',
      values: () => unknown[],
    ) =>
      ({
        name,
        help,
        type,
        aggregator: 'sum',
        get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
      }) as unknown as Metric;
    registry.registerMetric(
      collector(
        'http_request_duration_seconds',
        'HTTP request duration by route (or procedure), method and status',
        'histogram',
        () => this.histogramValues(),
      ),
    );
    registry.registerMetric(
      collector(
        'http_requests_total',
        'HTTP requests served, by route (or procedure), method and status',
        'counter',
        () => [...this.series.values()].map((series) => ({ labels: series.labels, value: series.count })),
      ),
    );
    registry.registerMetric(
      collector('http_requests_in_flight', 'HTTP requests being served right now', 'gauge', () => [
        { labels: {}, value: this.inFlight },
      ]),
    );
  }

  /** The series of a label combination; callers keep the labels bounded (route patterns, not URLs). */
  seriesFor(route: string, method: string, status: number): RequestSeries {
    const key = `${route} ${method} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      series = new RequestSeries({ route, method, status: String(status) }, this.upperBounds);
      this.series.set(key, series);
    }
    return series;
  }

  private histogramValues() {
    const name = 'http_request_duration_seconds';
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const series of this.series.values()) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, index) => {
        cumulative += series.perBucket[index]!;
        values.push({
          metricName: `${name}_bucket`,
          labels: { le: bound, ...series.labels },
          value: cumulative,
        });
      });
      values.push({
        metricName: `${name}_bucket`,
        labels: { le: '+Inf', ...series.labels },
        value: series.count,
      });
      values.push({ metricName: `${name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${name}_count`, labels: series.labels, value: series.count });
    }
    return values;
  }
}
