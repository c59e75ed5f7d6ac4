/**
 * The Azure Activity Log event categories (`CategoryValue`), lower-cased. A storage / Event Hub
 * record carries one of them in `category` (or, for `Administrative` operations, the operation's
 * kind: `Write`, `Delete`, `Action`).
 * @example ACTIVITY_EVENT_CATEGORIES.includes('servicehealth') // true
 */
export const ACTIVITY_EVENT_CATEGORIES: readonly string[] = [
  'administrative',
  'servicehealth',
  'resourcehealth',
  'alert',
  'autoscale',
  'recommendation',
  'security',
  'policy',
];
