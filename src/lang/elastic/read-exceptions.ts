import type { Diagnostic } from '../../diag/diagnostic.js';
import type { ExceptionEntry, ExceptionItem, ExceptionListRef } from './rule.js';

/**
 * Exception lists read from Kibana exports, by `list_id` (and by the list's saved-object `id`):
 * what a rule's `[[rule.exceptions_list]]` references resolve to.
 */
export type ExceptionLists = ReadonlyMap<string, readonly ExceptionItem[]>;

type Table = Record<string, unknown>;
const types = new Set(['match', 'match_any', 'exists', 'wildcard', 'nested', 'list']);

/**
 * Reads `[[rule.exceptions_list]]`. detection-rules files only reference lists by id; the items
 * live in Kibana. auditscope also accepts the items inline, in Kibana's exception item shape:
 *
 * ```toml
 * [[rule.exceptions_list]]
 * list_id = "aks-maintenance"
 * [[rule.exceptions_list.items]]
 * name = "cluster autoscaler"
 * [[rule.exceptions_list.items.entries]]
 * field = "user.name"
 * type = "match"          # match | match_any | exists | wildcard | nested (| list: unsupported)
 * operator = "included"   # included | excluded (negates the entry)
 * value = "system:serviceaccount:kube-system:cluster-autoscaler"
 * ```
 * A reference without inline items takes the items of the list with its `list_id` (or `id`) in
 * `lists` (Kibana exception-list exports, see `readExceptionListExport`); one found in neither is
 * reported through `warn` (its exceptions cannot apply).
 * @example readExceptionsList(rule.exceptions_list, console.warn, lists)
 */
export function readExceptionsList(
  v: unknown,
  warn: (message: string) => void,
  lists: ExceptionLists = new Map(),
): ExceptionListRef[] {
  if (!Array.isArray(v)) return [];
  const out: ExceptionListRef[] = [];
  for (const x of v) {
    if (!isTable(x)) continue;
    let items = (Array.isArray(x.items) ? x.items : []).filter(isTable).map(readItem);
    const label = String(x.list_id ?? x.id ?? '?');
    if (items.length === 0) {
      const found =
        (typeof x.list_id === 'string' ? lists.get(x.list_id) : undefined) ??
        (typeof x.id === 'string' ? lists.get(x.id) : undefined);
      if (found) items = [...found];
      else
        warn(
          `exception list '${label}' has no inline items here and is not in the exception-list files given; its exceptions are not applied`,
        );
    }
    out.push({
      ...(typeof x.id === 'string' ? { id: x.id } : {}),
      ...(typeof x.list_id === 'string' ? { listId: x.list_id } : {}),
      ...(typeof x.namespace_type === 'string' ? { namespaceType: x.namespace_type } : {}),
      ...(typeof x.type === 'string' ? { type: x.type } : {}),
      items,
    });
  }
  return out;
}

function readItem(t: Table): ExceptionItem {
  return {
    ...(typeof t.name === 'string' ? { name: t.name } : {}),
    entries: (Array.isArray(t.entries) ? t.entries : []).filter(isTable).map(readEntry),
  };
}

function readEntry(t: Table): ExceptionEntry {
  const type = typeof t.type === 'string' && types.has(t.type) ? (t.type as ExceptionEntry['type']) : 'match';
  const value = Array.isArray(t.value)
    ? t.value.map(String)
    : t.value === undefined
      ? undefined
      : String(t.value);
  return {
    field: String(t.field ?? ''),
    type,
    operator: t.operator === 'excluded' ? 'excluded' : 'included',
    ...(value !== undefined ? { value } : {}),
    ...(Array.isArray(t.entries) ? { entries: t.entries.filter(isTable).map(readEntry) } : {}),
  };
}

/**
 * Reads a Kibana exception-list export (Security > Rules > Shared exception lists > Export, or
 * `POST /api/exception_lists/_export`): NDJSON with one line per list (`list_id`, `id`, `name`,
 * `type`), one per item (`item_id`, `list_id`, `entries`, ...) and a final summary line
 * (`exported_exception_list_count`...). Items are grouped under their list's `list_id`, and also
 * under the list's `id` when the list line is present. Lines that are not JSON objects are
 * reported (ELA013, positioned); items of type other than `simple` are kept (Kibana only exports
 * `simple` items for detection lists).
 * @example readExceptionListExport('exceptions.ndjson', text).lists.get('aks-maintenance')
 */
export function readExceptionListExport(
  file: string,
  text: string,
): { lists: Map<string, ExceptionItem[]>; diagnostics: Diagnostic[] } {
  const lists = new Map<string, ExceptionItem[]>();
  const ids = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const start = offset;
    offset += line.length + 1;
    if (!line.trim()) continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (e) {
      diagnostics.push({
        code: 'ELA013',
        severity: 'error',
        message: `exception-list export line is not JSON: ${(e as Error).message}`,
        file,
        source: text,
        span: { start, end: start + line.length },
      });
      continue;
    }
    if (!isTable(o)) continue;
    if ('exported_exception_list_count' in o || 'exported_count' in o) continue;
    const listId = typeof o.list_id === 'string' ? o.list_id : undefined;
    if (!listId) continue;
    if (Array.isArray(o.entries)) {
      let items = lists.get(listId);
      if (!items) lists.set(listId, (items = []));
      items.push(readItem(o));
    } else {
      if (!lists.has(listId)) lists.set(listId, []);
      if (typeof o.id === 'string') ids.set(o.id, listId);
    }
  }
  for (const [id, listId] of ids) if (!lists.has(id)) lists.set(id, lists.get(listId)!);
  return { lists, diagnostics };
}

const isTable = (x: unknown): x is Table => !!x && typeof x === 'object' && !Array.isArray(x);
