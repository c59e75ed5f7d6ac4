import type { AuditEvent, Getter } from '../model/event.js';
import { splitPath } from '../model/path.js';

/**
 * Resolves a field name of some view (Sigma, ECS, ...) to a getter. `undefined` means the view
 * does not know the field, so the caller can report it (the engine's `FieldResolver`).
 */
export type FieldResolver = (field: string) => Getter | undefined;

/**
 * Walks `steps` into a JSON-like value. Arrays fan out (each element is walked, array results are
 * spread one level), as in `walk` from model/path. Unlike `walk`, when a key is missing the walker
 * also tries keys that themselves contain dots, joining the following steps: so
 * `annotations.authorization.k8s.io/decision` finds the key `authorization.k8s.io/decision`, and
 * `user.extra.authentication.kubernetes.io/pod-name` finds the `extra` entry. The exact key always
 * wins; the dotted retry only runs on a miss, so common paths cost plain property reads.
 * @example lookupDotted({ a: { 'b.c': 1 } }, ['a', 'b', 'c']) === 1
 */
export function lookupDotted(value: unknown, steps: readonly string[], from = 0): unknown {
  return walkSteps(value, steps, from, undefined);
}

/**
 * The walk of `lookupDotted`; `joined[from]` (when given) holds the dotted retry keys from `from`
 * (`steps[from..j]` joined with '.', j > from), else they are joined on a miss.
 */
function walkSteps(
  value: unknown,
  steps: readonly string[],
  from: number,
  joined: readonly (readonly string[])[] | undefined,
): unknown {
  if (from === steps.length) return value;
  if (value === null || value === undefined || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const x = walkSteps(item, steps, from, joined);
      if (x === undefined) continue;
      if (Array.isArray(x)) out.push(...x);
      else out.push(x);
    }
    return out.length ? out : undefined;
  }
  const o = value as Record<string, unknown>;
  const direct = o[steps[from]!];
  if (direct !== undefined) {
    const r = walkSteps(direct, steps, from + 1, joined);
    if (r !== undefined) return r;
  }
  const tries = joined?.[from];
  let key = steps[from]!;
  for (let j = from + 1; j < steps.length; j++) {
    if (tries) key = tries[j - from - 1]!;
    else key += `.${steps[j]!}`;
    const x = o[key];
    if (x === undefined) continue;
    const r = walkSteps(x, steps, j + 1, joined);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * `lookupDotted` for one fixed path, with the dotted retry keys (`b.c`, `b.c.d`, ...) joined once
 * instead of on every miss: Sigma rules read many paths that most events lack.
 * @example compileDotted(['a', 'b', 'c'])({ a: { 'b.c': 1 } }) === 1
 */
export function compileDotted(steps: readonly string[]): (value: unknown) => unknown {
  const joined = steps.map((_, from) => {
    const out: string[] = [];
    let key = steps[from]!;
    for (let j = from + 1; j < steps.length; j++) {
      key += `.${steps[j]!}`;
      out.push(key);
    }
    return out;
  });
  return (value) => walkSteps(value, steps, 0, joined);
}

/**
 * Compiles a dotted path below a root accessor into a getter, with plain property reads for paths
 * of one or two steps whose keys exist, and the dotted-key retry of `lookupDotted` otherwise.
 * @example dottedGetter((ev) => ev.audit, 'objectRef.resource')(ev) === 'pods'
 */
export function dottedGetter(root: (ev: AuditEvent) => unknown, path: string): Getter {
  const steps = splitPath(path);
  if (steps.length === 0) return root;
  if (steps.length === 1) {
    const k = steps[0]!;
    return (ev) => {
      const r = root(ev);
      if (r === null || typeof r !== 'object') return undefined;
      if (Array.isArray(r)) return lookupDotted(r, steps);
      return (r as Record<string, unknown>)[k];
    };
  }
  const walk = compileDotted(steps);
  return (ev) => walk(root(ev));
}

/**
 * Coalesces several getters: the first one that yields a value other than undefined/null wins.
 * @example firstOf([(ev) => ev.audit?.verb, () => 'none'])
 */
export function firstOf(getters: readonly Getter[]): Getter {
  if (getters.length === 1) return getters[0]!;
  return (ev) => {
    for (const g of getters) {
      const v = g(ev);
      if (v !== undefined && v !== null) return v;
    }
    return undefined;
  };
}

/**
 * Flattens a JSON value to dotted keys (`objectRef.resource`); arrays are kept as values, empty
 * objects are dropped. Used by the `sigma` debug view, not on the matching path.
 * @example flattenDotted({ a: { b: 1 } }) // { 'a.b': 1 }
 */
export function flattenDotted(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (prefix) out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    flattenDotted(v, prefix ? prefix + '.' + k : k, out);
  }
  return out;
}
