import type { AuditEvent } from '../model/event.js';
import { ecsDocument } from './ecs/ecs-document.js';
import { sigmaView } from './sigma-view.js';
import { getTable, listTables } from './tables/tables.js';

/** Renders one event in a view; undefined when the event has no row/document in it. */
export type ViewRenderer = (ev: AuditEvent) => Record<string, unknown> | undefined;

/**
 * Names of every view: `sigma` (flattened Sigma-visible fields), `ecs` (the ECS document of the
 * event's primary dataset) and every table name (`CloudAuditEvents`, `AKSAudit`, ...).
 * @example listViews().includes('AKSAudit') === true
 */
export function listViews(): string[] {
  return ['sigma', 'ecs', ...listTables().map((t) => t.name)];
}

/**
 * The renderer of a view by name (tables: exact case first, then case-insensitive), or undefined.
 * @example renderView('CloudAuditEvents')?.(ev)?.OperationName === 'create'
 */
export function renderView(name: string): ViewRenderer | undefined {
  if (name === 'sigma') return sigmaView;
  if (name === 'ecs') return (ev) => ecsDocument(ev);
  const t = getTable(name) ?? listTables().find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!t) return undefined;
  return (ev) => (t.accepts(ev) ? t.row(ev) : undefined);
}
