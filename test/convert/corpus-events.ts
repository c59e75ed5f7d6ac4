import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseRuleTests } from '../../src/detect/testing/test-file.js';
import { sampleText } from '../../src/detect/testing/run-rule-tests.js';
import { readEvents, readText } from '../../src/ingest/index.js';
import type { AuditEvent } from '../../src/model/event.js';
import { corpus, repoRoot } from '../corpus.js';

/**
 * The events every differential conversion test runs over, all through the ingest path: the real
 * Falco k8s_audit traces and the real AKS blob (DataDog), Panther's rule-test payloads (AKS, EKS,
 * GKE, Activity; their `log` objects written as JSON lines), and the built-in pack's samples
 * (`rules/**\/*.tests.yml`, synthetic, expanded to each of their wire formats). Ids are made unique.
 */
export async function corpusEvents(): Promise<AuditEvent[]> {
  const events = await readEvents([
    corpus('falcosecurity-falco-k8s_audit'),
    corpus('datadog-azure-log-forwarding-orchestration/aks_logs.json'),
  ]);
  for (const f of ['aks-kube-audit', 'eks-audit', 'gke-k8s-io', 'azure-monitor-activity']) {
    const name = `${f}.rule-tests.jsonl`;
    const lines = readFileSync(corpus(`panther-analysis/${name}`), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.stringify((JSON.parse(l) as { log: unknown }).log));
    events.push(...readText(lines.join('\n'), name).events);
  }
  for (const file of testFiles(join(repoRoot, 'rules'))) {
    const { cases } = parseRuleTests(readFileSync(file, 'utf8'), file);
    for (const c of cases) events.push(...readText(sampleText(c), `${file}:${c.line}[${c.format}]`).events);
  }
  // Samples read separately can share an ingest id (auditID:stage); the Kusto tables keep one row
  // per id, so every event gets its own here (both engines see the same events).
  return events.map((ev, i) => ({ ...ev, id: `${i}:${ev.id}` }));
}

function testFiles(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) testFiles(p, out);
    else if (/\.tests\.ya?ml$/.test(n)) out.push(p);
  }
  return out;
}
