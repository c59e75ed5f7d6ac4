/**
 * SYNTHETIC RULES for the 300-rule Sigma benchmark: variants of the corpus SigmaHQ rules, written
 * to `bench/out/` (gitignored; never committed, the originals are DRL-licensed). Variant 0 of each
 * rule is the rule itself under a new id; the others change namespaces, resources and list values
 * and add a `filter` selection (`condition: (...) and not bench_filter`), as real rule packs do.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Prng } from './prng.js';

const namespaces = [
  'kube-system',
  'default',
  'payments',
  'checkout',
  'monitoring',
  'argocd',
  'data',
  'ci',
  'frontend',
];
const resources = [
  'pods',
  'secrets',
  'configmaps',
  'deployments',
  'daemonsets',
  'serviceaccounts',
  'rolebindings',
  'events',
];

/** Every `.yml` file under a directory, sorted. */
export function ruleFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...ruleFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const codes = [404, 409, 422, 429, 500, 503];

function mutateValue(field: string, v: unknown, k: number, r: Prng): unknown {
  // Other response codes: ten copies of a rule on 401/403 would alert on 8 % of events each.
  if (typeof v === 'number' && field.startsWith('responseStatus.code'))
    return k % 3 === 0 ? v : codes[(k + r.int(6)) % 6];
  if (typeof v !== 'string' || v === '*' || v === '') return v;
  const f = field.split('|')[0] ?? field;
  if (f.endsWith('namespace')) return namespaces[k % namespaces.length];
  if (f === 'objectRef.resource' && k % 3 === 0)
    return resources[(k + r.int(resources.length)) % resources.length];
  if (field.includes('|contains') || field.includes('|startswith') || field.includes('|endswith'))
    return `${v}${k}`;
  return v;
}

function mutateSelection(sel: unknown, k: number, r: Prng): unknown {
  if (Array.isArray(sel)) return sel.map((s) => mutateSelection(s, k, r));
  if (sel === null || typeof sel !== 'object') return sel;
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(sel as Record<string, unknown>)) {
    if (Array.isArray(v)) {
      const vs = v.map((x) => mutateValue(field, x, k, r));
      // Longer lists, as packs that enumerate tools and paths have.
      if (vs.every((x) => typeof x === 'string' && x !== '*') && vs.length > 1)
        vs.push(`${String(vs[0])}-bench${k}`);
      out[field] = vs;
    } else out[field] = mutateValue(field, v, k, r);
  }
  return out;
}

/**
 * Writes `perRule` variants of every rule under `srcDir` into `outDir` (replacing its content);
 * returns the number of rules written. Deterministic.
 * @example writeSigmaVariants('/work/shared/corpus/sigmahq-rules/rules', 'bench/out/sigma-300', 10)
 */
export function writeSigmaVariants(srcDir: string, outDir: string, perRule: number): number {
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const r = new Prng(300);
  let n = 0;
  for (const file of ruleFiles(srcDir)) {
    const rule = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const detection = rule.detection as Record<string, unknown> | undefined;
    if (!detection || typeof detection.condition !== 'string') continue;
    const base =
      file
        .split('/')
        .pop()
        ?.replace(/\.ya?ml$/, '') ?? `rule${n}`;
    for (let k = 0; k < perRule; k++) {
      const det: Record<string, unknown> = {};
      for (const [name, sel] of Object.entries(detection))
        det[name] =
          name === 'condition' || name === 'timeframe' || k === 0 ? sel : mutateSelection(sel, k, r);
      if (k > 0 && k % 2 === 1) {
        det.bench_filter = {
          'user.username|startswith': `system:serviceaccount:${namespaces[k % namespaces.length]}:`,
        };
        det.condition = `(${String(detection.condition)}) and not bench_filter`;
      }
      const variant = {
        title: `${String(rule.title)} (synthetic variant ${k})`,
        id: r.uuid(),
        status: rule.status,
        description: `SYNTHETIC benchmark variant ${k} of ${base}.`,
        tags: rule.tags,
        logsource: rule.logsource,
        detection: det,
        level: rule.level,
      };
      writeFileSync(join(outDir, `${base}-v${k}.yml`), stringify(variant));
      n++;
    }
  }
  return n;
}
