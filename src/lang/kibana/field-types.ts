/**
 * How Elasticsearch indexes a field, which decides how a Kibana query matches it.
 *
 * - `keyword` (the default; every ECS field Kubernetes and Azure rules query is one): values
 *   match exactly and case-sensitively; `*` wildcards are case-sensitive too.
 * - `text` (`message`, `error.message`, and `<keyword>.text` multi-fields): values are analyzed
 *   by the standard analyzer, so a query matches whole words, case-insensitively, anywhere in
 *   the value. We approximate the analyzer with word-boundary regular expressions: a phrase
 *   matches its words in order separated by non-word characters; an unquoted multi-word value
 *   matches when any of its words does (Elasticsearch `match` uses `or`).
 */
export type FieldKind = 'keyword' | 'text';

/** ECS fields of type `text` / `match_only_text` that the Kubernetes and Azure data streams fill. */
const ecsTextFields = new Set(['message', 'error.message', 'error.stack_trace', 'event.reason']);

/**
 * The default field classifier: ECS text fields and `.text` multi-fields are `text`.
 * Returns the field to read (a `.text` multi-field reads its parent keyword value).
 * @example ecsFieldKind('user_agent.original.text') // { kind: 'text', field: 'user_agent.original' }
 */
export function ecsFieldKind(field: string): { kind: FieldKind; field: string } {
  if (ecsTextFields.has(field)) return { kind: 'text', field };
  if (field.endsWith('.text')) return { kind: 'text', field: field.slice(0, -5) };
  return { kind: 'keyword', field };
}
