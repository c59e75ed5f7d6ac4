/**
 * The table views' public entry point (`listTables`, `getTable`, the TableView types), imported by
 * the store as `views/tables/index.js`.
 */
export { actionTypeOfVerb, DATA_SOURCE, pascalTopLevel } from './cloud-audit-events.js';
export { defineTable, type ColumnDef } from './table-view.js';
export { getTable, listTables, type ColumnType, type TableColumn, type TableView } from './tables.js';
export { auditJsonText, auditKeys } from './audit-json.js';
