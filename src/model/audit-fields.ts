/**
 * The top-level keys of an `audit.k8s.io/v1` Event, in the order of the Go struct (and so the
 * order the API server's encoding/json writes them): TypeMeta, then the Event fields.
 * Views use it to tell an Event key from a view-specific name; tests use it to serialize events
 * the way the API server does.
 * @example AUDIT_EVENT_KEYS.includes('objectRef') // true
 */
export const AUDIT_EVENT_KEYS: readonly string[] = [
  'kind',
  'apiVersion',
  'level',
  'auditID',
  'stage',
  'requestURI',
  'verb',
  'user',
  'impersonatedUser',
  'sourceIPs',
  'userAgent',
  'objectRef',
  'responseStatus',
  'requestObject',
  'responseObject',
  'requestReceivedTimestamp',
  'stageTimestamp',
  'annotations',
];
