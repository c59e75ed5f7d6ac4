import { RE2JS } from 're2js';
import { parse } from 'yaml';
import type { AuditEvent } from '../../model/event.js';
import { sigmaFieldResolver } from '../../views/sigma-fields.js';

/** How one selection fared against an event: the first field that did not match, if any. */
interface SelectionVerdict {
  readonly name: string;
  readonly matched: boolean;
  /** `field = actual (wanted …)` for the closest failing field, or the fields that matched. */
  readonly detail: string;
}

/**
 * Says why a Sigma rule did or did not fire on an event, for `rules test` reports: which
 * selections failed (with the closest field mismatch: `objectRef.subresource = 'log' (wanted exec,
 * attach)`) and which filters matched. An approximation of the engine (common modifiers only);
 * it explains, it never decides a test.
 * @example explainSigma(ruleText, ev, 'match') // "selection 'selection' did not match: verb = 'list' (wanted create)"
 */
export function explainSigma(
  ruleText: string,
  ev: AuditEvent,
  expect: 'match' | 'no-match',
): string | undefined {
  let doc: unknown;
  try {
    doc = parse(ruleText.split(/^---\s*$/m)[0] ?? '');
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || !isRecord(doc.detection)) return undefined;
  const ls = isRecord(doc.logsource) ? doc.logsource : {};
  const resolve = sigmaFieldResolver({
    product: str(ls.product),
    service: str(ls.service),
    category: str(ls.category),
  });
  const verdicts: SelectionVerdict[] = [];
  for (const [name, body] of Object.entries(doc.detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    verdicts.push(judge(name, body, (f) => resolve(f)?.(ev)));
  }
  const isFilter = (n: string) => /^(filter|exclu)/i.test(n);
  const out: string[] = [];
  if (expect === 'match') {
    for (const v of verdicts) {
      if (!isFilter(v.name) && !v.matched) out.push(`selection '${v.name}' did not match: ${v.detail}`);
      if (isFilter(v.name) && v.matched) out.push(`filter '${v.name}' excluded it: ${v.detail}`);
    }
  } else {
    for (const v of verdicts) {
      if (!isFilter(v.name) && v.matched) out.push(`selection '${v.name}' matched (${v.detail})`);
      if (isFilter(v.name) && !v.matched) out.push(`filter '${v.name}' did not exclude it: ${v.detail}`);
    }
  }
  return out.length ? out.join('; ') : undefined;
}

type Lookup = (field: string) => unknown;

function judge(name: string, body: unknown, get: Lookup): SelectionVerdict {
  if (Array.isArray(body) && body.every(isRecord)) {
    // A list of maps is an OR: report the alternative closest to matching.
    let best: { matched: boolean; misses: number; detail: string } | undefined;
    for (const alt of body as Record<string, unknown>[]) {
      const r = judgeMap(alt, get);
      if (r.matched) return { name, matched: true, detail: r.detail };
      if (!best || r.misses < best.misses) best = r;
    }
    return { name, matched: false, detail: best?.detail ?? 'empty selection' };
  }
  if (isRecord(body)) {
    const r = judgeMap(body, get);
    return { name, matched: r.matched, detail: r.detail };
  }
  return { name, matched: false, detail: 'keyword selection (not explained)' };
}

function judgeMap(
  m: Record<string, unknown>,
  get: Lookup,
): { matched: boolean; misses: number; detail: string } {
  const misses: string[] = [];
  const hits: string[] = [];
  for (const [key, wanted] of Object.entries(m)) {
    const [field = '', ...mods] = key.split('|');
    const actual = get(field);
    const wants = Array.isArray(wanted) ? wanted : [wanted];
    const all = mods.includes('all');
    const ok = all
      ? wants.every((w) => fieldMatches(actual, w, mods))
      : wants.some((w) => fieldMatches(actual, w, mods));
    const text = `${field} = ${show(actual)}`;
    if (ok) hits.push(text);
    else
      misses.push(`${text} (wanted ${mods.length ? `${mods.join('|')} ` : ''}${wants.map(show).join(', ')})`);
  }
  return misses.length
    ? { matched: false, misses: misses.length, detail: misses.join(', ') }
    : { matched: true, misses: 0, detail: hits.join(', ') };
}

function fieldMatches(actual: unknown, wanted: unknown, mods: readonly string[]): boolean {
  if (mods.includes('exists')) return (actual !== undefined && actual !== null) === (wanted === true);
  if (wanted === null) return actual === undefined || actual === null;
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((v) => valueMatches(v, wanted, mods));
}

function valueMatches(v: unknown, wanted: unknown, mods: readonly string[]): boolean {
  if (v === undefined || v === null) return false;
  if (typeof wanted === 'number' || typeof wanted === 'boolean')
    return String(v).toLowerCase() === String(wanted);
  const w = String(wanted);
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (mods.includes('re')) {
    try {
      return RE2JS.compile(w).matcher(s).find();
    } catch {
      return false;
    }
  }
  let pattern = globToRe2(w);
  if (mods.includes('contains')) pattern = `.*${pattern}.*`;
  else if (mods.includes('startswith')) pattern = `${pattern}.*`;
  else if (mods.includes('endswith')) pattern = `.*${pattern}`;
  return RE2JS.compile(`^(?:${pattern})$`, RE2JS.CASE_INSENSITIVE | RE2JS.DOTALL)
    .matcher(s)
    .matches();
}

/** Sigma wildcards (`*`, `?`, `\` escapes) to an RE2 pattern. */
function globToRe2(w: string): string {
  let out = '';
  for (let i = 0; i < w.length; i++) {
    const ch = w[i]!;
    if (ch === '\\' && (w[i + 1] === '*' || w[i + 1] === '?' || w[i + 1] === '\\')) {
      out += RE2JS.quote(w[++i]!);
    } else if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else out += RE2JS.quote(ch);
  }
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
