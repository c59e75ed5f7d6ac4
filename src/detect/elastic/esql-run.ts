import { RE2JS } from 're2js';
import { assertNever } from '../../ir/expr.js';
import type { EsqlCommand, EsqlExpr } from '../../lang/elastic/esql-ast.js';
import { lowerKuery } from '../../lang/kibana/lower-kuery.js';
import { parseKuery } from '../../lang/kibana/parse-kuery.js';
import { ecsIndexNames } from '../../views/ecs/ecs-document.js';
import type { Candidate } from './candidate.js';
import { DatasetMatcher, fieldOf } from './candidate.js';
import { type CompiledGrok, compileGrok, runGrok } from './esql-grok.js';
import {
  compareScalars,
  EsDate,
  EsSpan,
  fromScalars,
  keyOf,
  likeRegex,
  re2,
  type Scalar,
  scalars,
  toValue,
  urlDecode,
  type Value,
} from './esql-values.js';

/**
 * Moves each WHERE of row-wise commands before the EVAL / GROK commands ahead of it that define
 * none of the columns it reads, so that events it rejects cost no EVAL or GROK. Row-wise commands
 * have no side effects, so the rows that come out are the same.
 * @example hoistWheres([evalCmd, whereOnFields]) // [whereOnFields, evalCmd]
 */
export function hoistWheres(commands: readonly EsqlCommand[]): EsqlCommand[] {
  const out: EsqlCommand[] = [];
  for (const c of commands) {
    let at = out.length;
    if (c.kind === 'Where') {
      const reads = fieldNames(c.cond);
      while (at > 0) {
        const d = definedBy(out[at - 1]!);
        if (!d || d.some((n) => reads.has(n))) break;
        at--;
      }
    }
    out.splice(at, 0, c);
  }
  return out;
}

/** Columns an EVAL or GROK defines; undefined for other commands (never moved across). */
function definedBy(c: EsqlCommand): readonly string[] | undefined {
  if (c.kind === 'Eval') return c.assigns.map((a) => a.name);
  if (c.kind === 'Grok') {
    const g = compileGrok(c.pattern);
    return typeof g === 'string' ? undefined : g.fields.map((f) => f.name);
  }
  return undefined;
}

function fieldNames(e: EsqlExpr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'Field':
      out.add(e.name);
      break;
    case 'Call':
      for (const a of e.args) fieldNames(a, out);
      break;
    case 'Binary':
    case 'And':
    case 'Or':
      fieldNames(e.left, out);
      fieldNames(e.right, out);
      break;
    case 'Not':
    case 'IsNull':
    case 'Like':
      fieldNames(e.arg, out);
      break;
    case 'In':
      fieldNames(e.arg, out);
      for (const x of e.list) fieldNames(x, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * `@timestamp` of a source row. The `kubernetes.audit_logs` document of a non-GKE audit event has
 * the event time to the millisecond there (ecs-k8s.ts), so that document is not built for it.
 */
function timestamp(c: Candidate): Value {
  const ev = c.ev;
  if (
    c.dataset === 'kubernetes.audit_logs' &&
    ev.kind === 'audit' &&
    ev.provider !== 'gke' &&
    Number.isFinite(ev.ts)
  )
    return new EsDate(Math.floor(ev.ts));
  return toValue(fieldOf(c, '@timestamp'), '@timestamp');
}

/**
 * ES|QL LIKE as a matcher: patterns whose only wildcards are `*` run as string searches (the
 * same whole-value match as `likeRegex`), others through the regex.
 */
function likeMatcher(pattern: string): ((s: string) => boolean) | undefined {
  if (pattern.includes('?')) {
    const re = likeRegex(pattern);
    return re ? (s) => re.matches(s) : undefined;
  }
  const parts = pattern.split('*');
  if (parts.length === 1) return (s) => s === pattern;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  const fixed = first.length + last.length;
  return (s) => {
    if (s.length < fixed || !s.startsWith(first) || !s.endsWith(last)) return false;
    let at = first.length;
    const end = s.length - last.length;
    for (const p of middle) {
      const i = s.indexOf(p, at);
      if (i < 0 || i + p.length > end) return false;
      at = i + p.length;
    }
    return true;
  };
}

/** Row columns computed on first read (`compute` returns undefined for a column the row lacks). */
class LazyCols extends Map<string, Value> {
  constructor(private readonly compute: (name: string) => Value | undefined) {
    super();
  }
  override get(name: string): Value | undefined {
    if (!super.has(name)) {
      const v = this.compute(name);
      if (v !== undefined) super.set(name, v);
      return v;
    }
    return super.get(name);
  }
  override has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** The columns of a source row before any EVAL (never mutated: EVAL and GROK copy). */
const noCols: ReadonlyMap<string, Value> = new Map();

/** A row: computed columns over an optional source event (whose ECS document supplies the other fields). */
export interface Row {
  readonly cols: ReadonlyMap<string, Value>;
  readonly cand?: Candidate;
  /** The source events behind the row (one before STATS, the group's events after). */
  readonly events: readonly Candidate[];
}

/**
 * Evaluation context: the execution time (NOW()) and caches shared by one rule.
 * @example const r = new EsqlRunner(); r.now = execTime; r.run(commands, rows)
 */
export class EsqlRunner {
  private readonly groks = new Map<string, CompiledGrok | string>();
  private readonly kqls = new Map<string, DatasetMatcher>();
  private readonly likes = new WeakMap<EsqlExpr, ((s: string) => boolean) | undefined>();
  private scratch = new Map<string, unknown>();
  private scratchOwner: Candidate | undefined;
  now = Date.now();

  /** True for commands that look at one row at a time and not at NOW(): they can run as events arrive. */
  static rowWise(c: EsqlCommand): boolean {
    if (c.kind !== 'Where' && c.kind !== 'Eval' && c.kind !== 'Grok') return false;
    return !JSON.stringify(c).includes('"name":"now"');
  }

  lookup(row: Row, name: string): Value {
    const col = row.cols.get(name);
    if (col !== undefined || row.cols.has(name)) return col ?? null;
    const c = row.cand;
    if (!c) return null;
    if (name === '_id') return c.ev.id;
    if (name === '_index') return ecsIndexNames(c.ev, c.dataset)[0] ?? null;
    if (name === '_version') return 1;
    // A source event's field is read once per event, however many commands and executions ask.
    let memo = c.values;
    if (!memo) {
      // Until the event's row passes the row-wise commands, its values live in a reused scratch map.
      if (this.scratchOwner !== c) {
        this.scratch.clear();
        this.scratchOwner = c;
      }
      memo = this.scratch;
    }
    let v = memo.get(name) as Value | undefined;
    if (v === undefined)
      memo.set(name, (v = name === '@timestamp' ? timestamp(c) : toValue(fieldOf(c, name), name)));
    return v;
  }

  /**
   * Runs row-wise commands (WHERE / EVAL / GROK) over one source event and appends the rows that
   * come out to `out`. Equivalent to `run(commands, [row of c])`, without allocating for an event
   * that a WHERE drops.
   */
  runEvent(commands: readonly EsqlCommand[], c: Candidate, out: Row[]): void {
    let row: Row = { cols: noCols, cand: c, events: [c] };
    for (const cmd of commands) {
      if (cmd.kind === 'Where') {
        if (!this.holds(cmd.cond, row)) return;
      } else {
        const rows = this.command(cmd, [row]);
        if (rows.length !== 1) {
          this.adopt(c);
          out.push(...this.run(commands.slice(commands.indexOf(cmd) + 1), rows));
          return;
        }
        row = rows[0]!;
      }
    }
    this.adopt(c);
    out.push(row);
  }

  /** Keeps the values read for `c` with it, for the commands that run at each execution. */
  private adopt(c: Candidate): void {
    if (this.scratchOwner !== c) return;
    c.values = this.scratch;
    this.scratch = new Map();
    this.scratchOwner = undefined;
  }

  /** Runs commands over rows. */
  run(commands: readonly EsqlCommand[], rows: Row[]): Row[] {
    for (let i = 0; i < commands.length; i++) {
      const c = commands[i]!;
      const next = commands[i + 1];
      // A WHERE right after STATS is tested on each group before its other aggregations are computed.
      rows =
        c.kind === 'Stats'
          ? this.stats(c, rows, next?.kind === 'Where' ? next.cond : undefined)
          : this.command(c, rows);
    }
    return rows;
  }

  private command(c: EsqlCommand, rows: Row[]): Row[] {
    switch (c.kind) {
      case 'Where':
        return rows.filter((r) => this.holds(c.cond, r));
      case 'Eval':
        return rows.map((r) => {
          const cols = new Map(r.cols);
          const row: Row = { ...r, cols };
          for (const a of c.assigns) cols.set(a.name, this.eval(a.expr, row));
          return row;
        });
      case 'Grok': {
        let g = this.groks.get(c.pattern);
        if (!g) this.groks.set(c.pattern, (g = compileGrok(c.pattern)));
        const grok = g;
        return rows.map((r) => {
          const cols = new Map(r.cols);
          const v = this.eval(c.input, r);
          const m = typeof grok !== 'string' && typeof v === 'string' ? runGrok(grok, v) : undefined;
          if (typeof grok !== 'string') for (const f of grok.fields) cols.set(f.name, m?.get(f.name) ?? null);
          return { ...r, cols };
        });
      }
      case 'Stats':
        return this.stats(c, rows);
      case 'Keep':
      case 'Drop': {
        const res = c.patterns.map((p) => likeRegex(p)!);
        const hit = (name: string): boolean => res.some((re) => re.matches(name));
        return rows.map((r) => {
          const cols = new Map<string, Value>();
          if (c.kind === 'Keep') {
            for (const p of c.patterns) if (!p.includes('*')) cols.set(p, this.lookup(r, p));
            for (const [k, v] of r.cols) if (hit(k)) cols.set(k, v);
          } else for (const [k, v] of r.cols) if (!hit(k)) cols.set(k, v);
          return { ...r, cols };
        });
      }
      case 'Rename':
        return rows.map((r) => {
          const cols = new Map(r.cols);
          for (const { from, to } of c.pairs) {
            cols.set(to, this.lookup(r, from));
            cols.delete(from);
          }
          return { ...r, cols };
        });
      case 'Sort':
        return [...rows].sort((a, b) => {
          for (const k of c.keys) {
            const x = scalars(this.eval(k.expr, a))[0];
            const y = scalars(this.eval(k.expr, b))[0];
            const d =
              x === undefined
                ? y === undefined
                  ? 0
                  : 1
                : y === undefined
                  ? -1
                  : (compareScalars(x, y) ?? 0);
            if (d !== 0) return k.desc ? -d : d;
          }
          return 0;
        });
      case 'Limit':
        return rows.slice(0, c.n);
      default:
        return assertNever(c);
    }
  }

  /**
   * STATS. With `filter` (the condition of a WHERE that follows), a group is first tested on the
   * columns the condition reads and dropped when it does not hold, before its other aggregations
   * are computed; the WHERE still runs afterwards, so the rows that come out are the same.
   */
  private stats(c: Extract<EsqlCommand, { kind: 'Stats' }>, rows: Row[], filter?: EsqlExpr): Row[] {
    const groups = new Map<string, { keys: Value[]; rows: Row[] }>();
    for (const r of rows) {
      const vals: Value[] = c.by.map((b) => this.eval(b.expr, r));
      // A multi-valued BY key puts the row in one group per value.
      let combos: Value[][] = [vals];
      if (vals.some(Array.isArray)) {
        combos = [[]];
        for (const v of vals) {
          const vs: Value[] = v === null ? [null] : scalars(v);
          combos = combos.flatMap((p) => vs.map((x) => [...p, x]));
        }
      }
      for (const keys of combos) {
        const k = JSON.stringify(keys.map((x) => (x === null ? null : keyOf(x as Scalar))));
        let g = groups.get(k);
        if (!g) groups.set(k, (g = { keys, rows: [] }));
        g.rows.push(r);
      }
    }
    if (groups.size === 0 && c.by.length === 0) groups.set('[]', { keys: [], rows: [] });
    const out: Row[] = [];
    for (const g of groups.values()) {
      if (filter) {
        // Columns computed as the condition reads them, with the full row's values: later
        // assignments win, BY keys last.
        const some = new LazyCols((name) => {
          const i = c.by.findLastIndex((b) => b.name === name);
          if (i >= 0) return g.keys[i]!;
          const a = c.aggs.findLast((x) => x.name === name);
          return a ? this.aggregate(a.expr, g.rows) : undefined;
        });
        if (!this.holds(filter, { cols: some, events: [] })) continue;
      }
      const cols = new Map<string, Value>();
      for (const a of c.aggs) cols.set(a.name, this.aggregate(a.expr, g.rows));
      c.by.forEach((b, i) => {
        cols.set(b.name, g.keys[i]!);
      });
      const events = [...new Set(g.rows.flatMap((r) => r.events))];
      out.push({ cols, events });
    }
    return out;
  }

  private aggregate(e: EsqlExpr, rows: readonly Row[]): Value {
    if (e.kind !== 'Call') return null;
    const arg = e.args[0];
    if (e.name === 'count' && (!arg || arg.kind === 'Star')) return rows.length;
    if (!arg) return null;
    // One pass, no intermediate arrays: this runs once per group per execution.
    let count = 0;
    let sum = 0;
    let nums = 0;
    let best: Scalar | undefined;
    const distinct =
      e.name === 'count_distinct' || e.name === 'values' ? new Map<string, Scalar>() : undefined;
    const minMax = e.name === 'min' ? -1 : e.name === 'max' ? 1 : 0;
    const sums = e.name === 'sum' || e.name === 'avg';
    for (const r of rows) {
      const v = this.eval(arg, r);
      if (v === null) continue;
      const xs = Array.isArray(v) ? v : undefined;
      const n = xs ? xs.length : 1;
      for (let i = 0; i < n; i++) {
        const x = xs ? xs[i]! : (v as Scalar);
        count++;
        if (distinct) {
          const k = keyOf(x);
          if (!distinct.has(k)) distinct.set(k, x);
        } else if (minMax !== 0) {
          const d = best === undefined ? 0 : compareScalars(x, best);
          if (best === undefined || (d !== undefined && d * minMax > 0)) best = x;
        } else if (sums) {
          const num = Number(x);
          if (Number.isFinite(num)) {
            sum += num;
            nums++;
          }
        }
      }
    }
    switch (e.name) {
      case 'count':
        return count;
      case 'count_distinct':
        return distinct!.size;
      case 'values':
        return fromScalars([...distinct!.values()]);
      case 'min':
      case 'max':
        return best ?? null;
      case 'sum':
        return nums ? sum : null;
      case 'avg':
        return nums ? sum / nums : null;
      default:
        return null;
    }
  }

  /**
   * Whether a condition is true on a row (what WHERE keeps): `eval(e, r) === true`, with AND and
   * OR short-circuiting on any operand that is not true / is true (null and false both fail a WHERE).
   */
  holds(e: EsqlExpr, r: Row): boolean {
    if (e.kind === 'And') return this.holds(e.left, r) && this.holds(e.right, r);
    if (e.kind === 'Or') return this.holds(e.left, r) || this.holds(e.right, r);
    return this.eval(e, r) === true;
  }

  /** Evaluates an expression on a row, with ES|QL's null semantics (functions of multi-values give null). */
  eval(e: EsqlExpr, r: Row): Value {
    switch (e.kind) {
      case 'Field':
        return this.lookup(r, e.name);
      case 'Literal':
        return e.value;
      case 'TimeSpan':
        return new EsSpan(e.ms);
      case 'Star':
        return null;
      case 'And': {
        const a = this.eval(e.left, r);
        if (a === false) return false;
        const b = this.eval(e.right, r);
        if (b === false) return false;
        return a === true && b === true ? true : null;
      }
      case 'Or': {
        const a = this.eval(e.left, r);
        if (a === true) return true;
        const b = this.eval(e.right, r);
        if (b === true) return true;
        return a === false && b === false ? false : null;
      }
      case 'Not': {
        const a = this.eval(e.arg, r);
        return typeof a === 'boolean' ? !a : null;
      }
      case 'IsNull': {
        const isNull = this.eval(e.arg, r) === null;
        return e.negated ? !isNull : isNull;
      }
      case 'In': {
        const v = this.eval(e.arg, r);
        if (v === null || Array.isArray(v)) return null;
        let sawNull = false;
        for (const x of e.list) {
          const w = this.eval(x, r);
          if (w === null) sawNull = true;
          else if (!Array.isArray(w) && compareScalars(v, w) === 0) return !e.negated;
        }
        return sawNull ? null : e.negated;
      }
      case 'Like': {
        const v = this.eval(e.arg, r);
        if (typeof v !== 'string') return null;
        let m = this.likes.get(e);
        if (m === undefined && !this.likes.has(e)) {
          if (e.regex) {
            const re = re2(e.pattern, RE2JS.DOTALL);
            m = re ? (s) => re.matches(s) : undefined;
          } else m = likeMatcher(e.pattern);
          this.likes.set(e, m);
        }
        if (!m) return null;
        return m(v) !== e.negated;
      }
      case 'Binary':
        return this.binary(e, r);
      case 'Call':
        return this.call(e, r);
      default:
        return assertNever(e);
    }
  }

  private binary(e: Extract<EsqlExpr, { kind: 'Binary' }>, r: Row): Value {
    const a = this.eval(e.left, r);
    const b = this.eval(e.right, r);
    if (a === null || b === null || Array.isArray(a) || Array.isArray(b)) return null;
    switch (e.op) {
      case '+':
      case '-': {
        const sign = e.op === '+' ? 1 : -1;
        if (a instanceof EsDate && b instanceof EsSpan) return new EsDate(a.ms + sign * b.ms);
        if (typeof a === 'number' && typeof b === 'number') return a + sign * b;
        return null;
      }
      case '*':
      case '/':
      case '%':
        if (typeof a !== 'number' || typeof b !== 'number') return null;
        if (e.op === '*') return a * b;
        if (b === 0) return null;
        return e.op === '/'
          ? Number.isInteger(a) && Number.isInteger(b)
            ? Math.trunc(a / b)
            : a / b
          : a % b;
      default: {
        const d = compareScalars(a, b);
        if (d === undefined) return null;
        const ops = { '==': d === 0, '!=': d !== 0, '<': d < 0, '<=': d <= 0, '>': d > 0, '>=': d >= 0 };
        return ops[e.op];
      }
    }
  }

  private call(e: Extract<EsqlExpr, { kind: 'Call' }>, r: Row): Value {
    const args = (): Value[] => e.args.map((a) => this.eval(a, r));
    switch (e.name) {
      case 'now':
        return new EsDate(this.now);
      case 'case': {
        for (let i = 0; i + 1 < e.args.length; i += 2)
          if (this.eval(e.args[i]!, r) === true) return this.eval(e.args[i + 1]!, r);
        return e.args.length % 2 === 1 ? this.eval(e.args[e.args.length - 1]!, r) : null;
      }
      case 'coalesce':
        for (const a of e.args) {
          const v = this.eval(a, r);
          if (v !== null) return v;
        }
        return null;
      case 'kql': {
        const q = e.args[0];
        if (!r.cand || q?.kind !== 'Literal' || typeof q.value !== 'string') return null;
        let m = this.kqls.get(q.value);
        if (!m) {
          const { expr } = lowerKuery(parseKuery(q.value).ast, { nested: 'element' });
          m = new DatasetMatcher(expr, {
            unknownField: 'KQL030',
            badRegex: 'KQL031',
            badCidr: 'KQL032',
            badNumber: 'KQL033',
          });
          this.kqls.set(q.value, m);
        }
        return m.matches(r.cand.ev, r.cand.dataset);
      }
      case 'to_string': {
        const v = args()[0] ?? null;
        return fromScalars(
          scalars(v).map((s) => (s instanceof EsDate ? new Date(s.ms).toISOString() : String(s))),
        );
      }
      case 'mv_count': {
        const v = args()[0] ?? null;
        return v === null ? null : scalars(v).length;
      }
      case 'concat': {
        const vs = args();
        if (vs.some((v) => v === null || Array.isArray(v))) return null;
        return vs.map(String).join('');
      }
      case 'date_trunc': {
        const [span, d] = args();
        if (!(span instanceof EsSpan) || !(d instanceof EsDate)) return null;
        return new EsDate(Math.floor(d.ms / span.ms) * span.ms);
      }
    }
    // The remaining functions take single-valued arguments: a null or multi-value gives null.
    const vs = args();
    if (vs.some((v) => v === null || Array.isArray(v))) return null;
    const s = vs.map((v) => (v instanceof EsDate ? new Date(v.ms).toISOString() : String(v)));
    switch (e.name) {
      case 'starts_with':
        return s[0]!.startsWith(s[1]!);
      case 'ends_with':
        return s[0]!.endsWith(s[1]!);
      case 'to_lower':
        return s[0]!.toLowerCase();
      case 'to_upper':
        return s[0]!.toUpperCase();
      case 'trim':
        return s[0]!.trim();
      case 'length':
        return [...s[0]!].length;
      case 'url_decode':
        return urlDecode(s[0]!);
      case 'substring': {
        const start = Number(s[1]) - 1;
        return s[0]!.substring(start, s[2] === undefined ? undefined : start + Number(s[2]));
      }
      case 'replace': {
        const re = re2(s[1]!);
        return re ? re.matcher(s[0]!).replaceAll(s[2]!) : null;
      }
      case 'to_integer':
      case 'to_long':
      case 'to_double': {
        const n = Number(s[0]);
        return Number.isFinite(n) ? (e.name === 'to_double' ? n : Math.trunc(n)) : null;
      }
      default:
        return null;
    }
  }
}
