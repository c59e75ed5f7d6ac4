/**
 * DuckDB JSON path text for a list of keys and indexes. Keys are always quoted so dots, slashes and
 * spaces in keys (`authorization.k8s.io/decision`) are safe; a negative index counts from the end
 * (`[#-1]`), as KQL `x[-1]` does.
 * @example jsonPathOf(['ObjectRef', 'resource']) === '$."ObjectRef"."resource"'
 * @example jsonPathOf(['a', 0, -1]) === '$."a"[0][#-1]'
 */
export function jsonPathOf(steps: readonly (string | number)[]): string {
  let out = '$';
  for (const s of steps) {
    if (typeof s === 'number') out += s < 0 ? `[#${s}]` : `[${s}]`;
    else out += `."${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return out;
}
