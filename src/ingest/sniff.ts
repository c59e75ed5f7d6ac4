import type { K8sAudit } from '../model/event.js';
import { emitAks, isAksRecord } from './aks-diagnostic.js';
import { emitAudit, isAuditEvent } from './audit-event.js';
import { emitActivity, isActivityRecord } from './azure-activity.js';
import { emitCloudWatch, isCloudWatchBatch } from './cloudwatch.js';
import { emitEcs, isEcsDoc } from './ecs.js';
import { type Emitter, isObject } from './emitter.js';
import { emitGke, isGcpLogEntry } from './gke.js';
import { emitKubeEvent, isKubeEvent } from './kube-events.js';
import { emitLaRow, tableRows } from './log-analytics.js';

/**
 * Format sniffing, per record (formats.md §9): a parsed JSON value is either a batch (array,
 * Event Hub `records[]`, audit `EventList` / kubectl `List`, CloudWatch batch, Log Analytics
 * `tables[]`, Elasticsearch hits) whose items are sniffed in turn, or a record, recognized with
 * cheap checks on the parsed object in this order: audit Event, AKS record, GKE LogEntry, ECS
 * document, Log Analytics row, Activity record, kubectl Event.
 *
 * Batch items get `raw` = their re-serialization, taken before any normalizer touches them.
 */
export function dispatch(em: Emitter, v: unknown, raw: string, line: number, index: number): void {
  if (Array.isArray(v)) items(em, v, line, false);
  else if (!isObject(v)) {
    em.record();
    em.reject(line, 'unknown-format', `a JSON ${v === null ? 'null' : typeof v}, not a record`, raw);
  } else record(em, v, raw, line, index);
}

function record(em: Emitter, o: Record<string, unknown>, raw: string, line: number, index: number): void {
  const records = o.records;
  const kind = o.kind;
  const hits = o.hits;
  let rows: Record<string, unknown>[] | undefined;
  if (Array.isArray(records)) items(em, records, line, false);
  else if ((kind === 'EventList' || kind === 'List') && Array.isArray(o.items)) {
    const av = o.apiVersion;
    items(em, o.items, line, typeof av === 'string' && av.startsWith('audit.k8s.io'));
  } else if (isCloudWatchBatch(o)) emitCloudWatch(em, o, raw, line);
  else if (o.tables !== undefined && (rows = tableRows(o)) !== undefined) items(em, rows, line, false);
  else if (isObject(hits) && Array.isArray(hits.hits)) items(em, hits.hits, line, false);
  else if (isObject(o._source) && o._index !== undefined) dispatch(em, o._source, raw, line, index);
  else {
    em.record();
    leaf(em, o, raw, line, index);
  }
}

function leaf(em: Emitter, o: Record<string, unknown>, raw: string, line: number, index: number): void {
  if (isAuditEvent(o))
    emitAudit(
      em,
      o as K8sAudit,
      'k8s-audit',
      'k8s',
      undefined,
      undefined,
      undefined,
      undefined,
      raw,
      line,
      index,
    );
  else if (isAksRecord(o)) emitAks(em, o, 'aks-diagnostic', raw, line, index);
  else if (isGcpLogEntry(o)) emitGke(em, o, 'gke-audit', raw, line, index);
  else if (isEcsDoc(o)) emitEcs(em, o, raw, line, index);
  else if (emitLaRow(em, o, raw, line, index)) return;
  else if (isActivityRecord(o)) emitActivity(em, o, 'azure-activity', raw, line, index);
  else if (isKubeEvent(o)) emitKubeEvent(em, o, 'kube-events', raw, line, index);
  else em.reject(line, 'unknown-format', unknownMessage(o), raw);
}

function items(em: Emitter, list: unknown[], line: number, auditList: boolean): void {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    let raw: string;
    try {
      raw = JSON.stringify(item) ?? '';
    } catch {
      em.record();
      em.reject(line, 'too-deep', `batch item ${i} nests too deeply to serialize`, '');
      continue;
    }
    if (auditList && isObject(item)) {
      em.record();
      if (isAuditEvent(item))
        emitAudit(
          em,
          item as K8sAudit,
          'k8s-audit-list',
          'k8s',
          undefined,
          undefined,
          undefined,
          undefined,
          raw,
          line,
          i,
        );
      else em.reject(line, 'unknown-format', `EventList item ${i} is not an audit Event`, raw);
      continue;
    }
    if (Array.isArray(item)) {
      em.record();
      em.reject(line, 'unknown-format', `batch item ${i} is an array, not a record`, raw);
      continue;
    }
    dispatch(em, item, raw, line, i);
  }
}

function unknownMessage(o: Record<string, unknown>): string {
  const keys = Object.keys(o).slice(0, 6);
  if ('kind' in o && typeof o.kind !== 'string')
    return `unknown record format ('kind' is a ${typeof o.kind})`;
  return `unknown record format (keys: ${keys.join(', ')}${Object.keys(o).length > 6 ? ', …' : ''})`;
}
