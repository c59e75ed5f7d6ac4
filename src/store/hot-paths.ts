import { auditKeys } from '../views/tables/index.js';
import { auditTextKeys } from './canonical.js';

/**
 * Paths inside dynamic columns that hunts filter on most (performance.md section 7: shred every
 * field the KQL translator may reference; query-time JSON extraction is 150-380x slower). Each is
 * stored as an extra VARCHAR column holding the value's text, chosen by the dynamic column's name so
 * a new table view with the same column shape gets them too.
 */
const byColumn: Readonly<Record<string, readonly (readonly string[])[]>> = {
  // CloudAuditEvents: the Event in PascalCase (formats.md section 5).
  RawEventData: [
    ['ObjectRef', 'resource'],
    ['ObjectRef', 'subresource'],
    ['ObjectRef', 'namespace'],
    ['ObjectRef', 'name'],
    ['ObjectRef', 'apiGroup'],
    ['ResponseStatus', 'code'],
    ['User', 'username'],
    ['RequestURI'],
    ['Verb'],
  ],
  // AKSAudit / AKSAuditAdmin resource-specific columns.
  ObjectRef: [['resource'], ['subresource'], ['namespace'], ['name'], ['apiGroup']],
  User: [['username']],
  ResponseStatus: [['code']],
};

/**
 * Hot paths of a dynamic column of a table.
 * @example hotPathsFor('AKSAudit', 'ObjectRef') // [['resource'], ['subresource'], ...]
 */
export function hotPathsFor(_table: string, column: string): readonly (readonly string[])[] {
  return byColumn[column] ?? [];
}

/**
 * JSON parts of a dynamic column: sub-objects kept as their own JSON column, so a path below them
 * (`RawEventData.RequestObject.spec.containers`) parses the part, not the whole column. In the store,
 * `CloudAuditEvents.RawEventData` is rebuilt per row from the Event's columns; its parts are those
 * columns as stored.
 * @example jsonPartsFor('CloudAuditEvents', 'RawEventData') // [['User'], ['ImpersonatedUser'], ...]
 */
export function jsonPartsFor(_table: string, column: string): readonly (readonly string[])[] {
  return column === 'RawEventData' ? rawEventDataParts : [];
}

/** The Event's object-valued keys (the JSON columns of `_events`), PascalCased as in RawEventData. */
const rawEventDataParts: readonly (readonly string[])[] = auditKeys
  .filter((k) => !auditTextKeys.has(k))
  .map((k) => [k.charAt(0).toUpperCase() + k.slice(1)]);
