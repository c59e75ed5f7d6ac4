import type { Getter } from './event.js';

/**
 * Compiles a dotted path (`audit.objectRef.resource`) into a getter over an AuditEvent.
 * Arrays met on the way fan out: `audit.requestObject.spec.containers.image` yields the list of
 * every container's image (flattened one level per array crossed), as Elasticsearch and Sigma
 * see multi-valued fields. A missing step yields undefined.
 *
 * Keys that themselves contain dots can be addressed with brackets: `audit.annotations[authorization.k8s.io/decision]`.
 * @example pathGetter('audit.verb')(ev) === 'create'
 */
export function pathGetter(path: string): Getter {
  const steps = splitPath(path);
  if (steps.length === 1) {
    const k = steps[0]!;
    return (ev) => (ev as unknown as Record<string, unknown>)[k];
  }
  if (steps.length === 2) {
    const [a, b] = steps as [string, string];
    return (ev) => step((ev as unknown as Record<string, unknown>)[a], b);
  }
  if (steps.length === 3) {
    const [a, b, c] = steps as [string, string, string];
    return (ev) => step(step((ev as unknown as Record<string, unknown>)[a], b), c);
  }
  return (ev) => walk(ev, steps);
}

/** Walks `steps` into any JSON-like value with the same fan-out rule as `pathGetter`. */
export function walk(value: unknown, steps: readonly string[]): unknown {
  let v = value;
  for (const s of steps) {
    v = step(v, s);
    if (v === undefined) return undefined;
  }
  return v;
}

function step(v: unknown, key: string): unknown {
  if (v === null || v === undefined || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const x = step(item, key);
      if (x === undefined) continue;
      if (Array.isArray(x)) out.push(...x);
      else out.push(x);
    }
    return out.length ? out : undefined;
  }
  return (v as Record<string, unknown>)[key];
}

/** Splits `a.b[c.d].e` into `['a', 'b', 'c.d', 'e']`. */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '.') {
      if (cur) out.push(cur);
      cur = '';
    } else if (ch === '[') {
      if (cur) out.push(cur);
      const close = path.indexOf(']', i);
      const end = close < 0 ? path.length : close;
      out.push(path.slice(i + 1, end).replace(/^["']|["']$/g, ''));
      cur = '';
      i = end;
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}
