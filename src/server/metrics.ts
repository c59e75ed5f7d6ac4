/**
 * A minimal Prometheus registry (text exposition format 0.0.4): counters and gauges with labels,
 * and histograms. Enough for `/metrics`; no client library needed.
 */

type Labels = Readonly<Record<string, string>>;

const escapeLabel = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labelText(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (!keys.length) return '';
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class Counter implements Family {
  readonly type: 'counter' | 'gauge' = 'counter';
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, n = 1): void {
    const k = labelText(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + n);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }
  render(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${k} ${v}`);
  }
}

export class Gauge implements Family {
  readonly type = 'gauge' as const;
  private readonly values = new Map<string, () => number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  /** The value is read at scrape time. */
  track(labels: Labels, read: () => number): void {
    this.values.set(labelText(labels), read);
  }
  render(): string[] {
    return [...this.values].map(([k, read]) => `${this.name}${k} ${read()}`);
  }
}

export class Histogram implements Family {
  readonly type = 'histogram' as const;
  private readonly series = new Map<string, { counts: number[]; sum: number; n: number; labels: Labels }>();
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  ) {}
  observe(labels: Labels, v: number): void {
    const k = labelText(labels);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: this.buckets.map(() => 0), sum: 0, n: 0, labels }));
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) s.counts[i]!++;
    s.sum += v;
    s.n++;
  }
  render(): string[] {
    const out: string[] = [];
    for (const s of this.series.values()) {
      for (const [i, b] of this.buckets.entries())
        out.push(`${this.name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`);
      out.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.n}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${s.sum}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.n}`);
    }
    return out;
  }
}

/** The server's metrics, by name. */
export class ServerMetrics {
  readonly received = new Counter('auditscope_records_received_total', 'Records received, by endpoint');
  readonly requests = new Counter('auditscope_requests_total', 'HTTP requests, by route and status code');
  readonly parsed = new Counter('auditscope_events_parsed_total', 'Events parsed, by source format');
  readonly quarantined = new Counter(
    'auditscope_records_quarantined_total',
    'Records quarantined (kept in quarantine.ndjson), by reason',
  );
  readonly duplicates = new Counter(
    'auditscope_events_duplicate_total',
    'Events received again (webhook retries, two feeds) and processed once',
  );
  readonly alerts = new Counter('auditscope_alerts_total', 'Alerts raised, by severity and rule');
  readonly deliveries = new Counter('auditscope_sink_deliveries_total', 'Alerts delivered, by sink');
  readonly failures = new Counter('auditscope_sink_failures_total', 'Failed delivery attempts, by sink');
  readonly spool = new Gauge('auditscope_sink_spool_depth', 'Alerts waiting for delivery, by sink');
  readonly window = new Gauge('auditscope_window_events', 'Events held in memory for hunts');
  readonly rules = new Gauge('auditscope_rules_loaded', 'Detections running');
  readonly latency = new Histogram('auditscope_request_duration_seconds', 'HTTP request latency, by route');

  render(): string {
    const fams: Family[] = [
      this.received,
      this.requests,
      this.parsed,
      this.quarantined,
      this.duplicates,
      this.alerts,
      this.deliveries,
      this.failures,
      this.spool,
      this.window,
      this.rules,
      this.latency,
    ];
    const out: string[] = [];
    for (const f of fams) {
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.render());
    }
    return `${out.join('\n')}\n`;
  }
}
