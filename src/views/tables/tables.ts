import { aksAudit, aksAuditAdmin, arcK8sAudit, arcK8sAuditAdmin } from './aks-audit.js';
import { azureActivity } from './azure-activity.js';
import { azureDiagnostics } from './azure-diagnostics.js';
import { cloudAuditEvents } from './cloud-audit-events.js';
import { kubeEvents } from './kube-events.js';
import type { TableView } from './table-view.js';

export type { ColumnType, TableColumn, TableView } from './table-view.js';

const TABLES: readonly TableView[] = [
  cloudAuditEvents,
  aksAudit,
  aksAuditAdmin,
  arcK8sAudit,
  arcK8sAuditAdmin,
  azureDiagnostics,
  azureActivity,
  kubeEvents,
];

const BY_NAME = new Map(TABLES.map((t) => [t.name, t]));

/**
 * Every table view, with typed column lists (for Kusto semantic analysis and DuckDB schemas).
 * @example listTables().map((t) => t.name) // ['CloudAuditEvents', 'AKSAudit', ...]
 */
export function listTables(): readonly TableView[] {
  return TABLES;
}

/**
 * A table view by its exact (case-sensitive, as in Kusto) name.
 * @example getTable('AKSAudit')?.columns.find((c) => c.name === 'Verb')?.type === 'string'
 */
export function getTable(name: string): TableView | undefined {
  return BY_NAME.get(name);
}
