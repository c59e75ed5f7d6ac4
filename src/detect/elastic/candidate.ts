import type { Diagnostic } from '../../diag/diagnostic.js';
import { compileExpr, type Matcher } from '../../engine/compile-expr.js';
import { FieldTable } from '../../engine/field-table.js';
import type { Expr } from '../../ir/expr.js';
import { nestedResolver } from '../../lang/kibana/lower-kuery.js';
import type { AuditEvent, Getter } from '../../model/event.js';
import {
  type EcsDataset,
  ecsDatasetsForIndex,
  ecsDocument,
  ecsFieldResolverFor,
} from '../../views/ecs/ecs-document.js';

type Obj = Record<string, unknown>;

/** An event as one Elastic rule sees it: the ECS document of the dataset it matched in, and its time. */
export interface Candidate {
  readonly ev: AuditEvent;
  readonly dataset: EcsDataset;
  readonly doc: Obj;
  /** The rule's timestamp (timestamp_override, falling back to @timestamp), epoch ms. */
  readonly ts: number;
  /** Input order, to keep sorting stable. */
  readonly seq: number;
  /** Per-event memo of field values for ES|QL evaluation (filled by `EsqlRunner.lookup`). */
  values?: Map<string, unknown>;
}

/**
 * An IR expression compiled lazily once per ECS dataset (each dataset has its own document shape),
 * matched only against datasets whose index names the rule's `index` patterns select.
 * @example new DatasetMatcher(expr, codes).matches(ev, 'kubernetes.audit_logs')
 */
export class DatasetMatcher {
  private readonly byDataset = new Map<EcsDataset, Matcher>();
  /** Whether the expression holds a nested query (Kibana `field:{ ... }`). */
  private readonly nested: boolean;
  constructor(
    private readonly expr: Expr,
    private readonly codes: { badRegex: string; badCidr: string; badNumber: string; unknownField: string },
  ) {
    this.nested = JSON.stringify(expr).includes('kql-nested:');
  }

  /** ECS fields of a dataset, with nested queries tested element by element. */
  private resolver(dataset: EcsDataset): (field: string) => Getter | undefined {
    const base = ecsFieldResolverFor(dataset);
    if (!this.nested) return base;
    return nestedResolver(base, (e, r) => compileExpr(e, r, { codes: this.codes }).match);
  }

  /** Compile-time problems (bad regex, bad CIDR), checked once against the default ECS view. */
  check(file: string, source: string): Diagnostic[] {
    return compileExpr(this.expr, this.resolver('kubernetes.audit_logs'), {
      codes: this.codes,
      file,
      source,
    }).diagnostics;
  }

  matches(ev: AuditEvent, dataset: EcsDataset): boolean {
    let m = this.byDataset.get(dataset);
    if (!m) {
      m = compileExpr(this.expr, this.resolver(dataset), {
        codes: this.codes,
        // the shared table resolves ordinary fields only
        ...(this.nested ? {} : { table: tableFor(dataset) }),
      }).match;
      this.byDataset.set(dataset, m);
    }
    return m(ev);
  }
}

/**
 * The datasets of an event that a rule reads: selected by its index patterns and allowed by its
 * route (see routing.ts). Memoized by the event's shape (kind, format, provider), which decides its
 * datasets; ECS input documents name their own data stream, so those are not memoized.
 * @example new IndexRouter(['logs-azure*'], allowed).datasets(activityEvent) // ['azure.activitylogs']
 */
export class IndexRouter {
  private readonly memo = new Map<string, Map<string, Map<string, readonly EcsDataset[]>>>();
  constructor(
    readonly patterns: readonly string[],
    private readonly allowed: ReadonlySet<EcsDataset>,
  ) {}

  datasets(ev: AuditEvent): readonly EcsDataset[] {
    if (ev.format === 'ecs') return ecsDatasetsForIndex(ev, this.patterns);
    let byFormat = this.memo.get(ev.kind);
    if (!byFormat) this.memo.set(ev.kind, (byFormat = new Map()));
    let byProvider = byFormat.get(ev.format);
    if (!byProvider) byFormat.set(ev.format, (byProvider = new Map()));
    let ds = byProvider.get(ev.provider);
    if (!ds) {
      ds = ecsDatasetsForIndex(ev, this.patterns).filter((d) => this.allowed.has(d));
      byProvider.set(ev.provider, ds);
    }
    return ds;
  }
}

/**
 * One field table per dataset, shared by every Elastic rule: a field used by many rules is read
 * and lower-cased once per event (the table memoizes the last event's values per field).
 */
const tables = new Map<EcsDataset, FieldTable>();
function tableFor(dataset: EcsDataset): FieldTable {
  let t = tables.get(dataset);
  if (!t) tables.set(dataset, (t = new FieldTable(ecsFieldResolverFor(dataset))));
  return t;
}

/** Field getters per dataset, shared by every rule (fast paths avoid building the document). */
const getters = new Map<EcsDataset, Map<string, Getter>>();

/**
 * A field of a candidate's ECS document, through the view's compiled getters (which read the
 * common `kubernetes.audit_logs` fields straight from the audit Event).
 * @example fieldOf(c, 'user.name') === 'bob'
 */
export function fieldOf(c: Candidate, field: string): unknown {
  let byField = getters.get(c.dataset);
  if (!byField) getters.set(c.dataset, (byField = new Map()));
  let g = byField.get(field);
  if (!g) byField.set(field, (g = ecsFieldResolverFor(c.dataset)(field)));
  return g(c.ev);
}

/** A candidate whose ECS document is built only when something reads it. */
class LazyCandidate implements Candidate {
  private built: Obj | undefined;
  values: Map<string, unknown> | undefined = undefined;
  constructor(
    readonly ev: AuditEvent,
    readonly dataset: EcsDataset,
    readonly ts: number,
    readonly seq: number,
  ) {}
  get doc(): Obj {
    this.built ??= ecsDocument(this.ev, this.dataset) ?? {};
    return this.built;
  }
}

/**
 * Finds the first dataset of `ev` that the rule's index patterns select and `matcher` accepts,
 * and returns the event as a candidate; undefined when none does.
 * @example candidateOf(ev, router, matcher, undefined, 0)
 */
export function candidateOf(
  ev: AuditEvent,
  index: IndexRouter,
  matcher: DatasetMatcher | undefined,
  timestampOverride: string | undefined,
  seq: number,
): Candidate | undefined {
  for (const ds of index.datasets(ev)) {
    if (matcher && !matcher.matches(ev, ds)) continue;
    const c = new LazyCandidate(ev, ds, ev.ts, seq);
    const ts = timestampOf(c, timestampOverride);
    return ts === ev.ts ? c : new LazyCandidate(ev, ds, ts, seq);
  }
  return undefined;
}

/**
 * Elastic reads `timestamp_override` when the document has it and falls back to `@timestamp`.
 * `event.ingested` is set by Elasticsearch ingest pipelines, so only events read from ECS
 * documents can carry it; for the others the fallback applies without a lookup.
 * @example timestampOf(candidate, 'event.ingested') // falls back to the event time
 */
export function timestampOf(c: Candidate, override: string | undefined): number {
  if (override && !(override === 'event.ingested' && c.ev.format !== 'ecs')) {
    const v = scalarOf(fieldOf(c, override));
    const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
    if (Number.isFinite(t)) return t;
  }
  return c.ev.ts;
}

const scalarOf = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

/**
 * Sorts candidates by time, then input order.
 * @example candidates.sort(byTime)
 */
export const byTime = (a: Candidate, b: Candidate): number => a.ts - b.ts || a.seq - b.seq;
