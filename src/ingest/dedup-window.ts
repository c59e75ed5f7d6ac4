/**
 * Remembers recently seen keys in two bounded generations, so memory stays flat on any input:
 * when the young generation fills it becomes the old one and the previous old one is dropped.
 * A key is found if it is in either generation (so at least `capacity` most recent keys are known).
 * @example const seen = new DedupWindow(1 << 18); seen.add('a:ResponseComplete'); // true (new)
 */
export class DedupWindow {
  private young = new Set<string>();
  private old = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Adds `key`; false when it was already seen (a duplicate). */
  add(key: string): boolean {
    if (this.young.has(key) || this.old.has(key)) return false;
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(key);
    return true;
  }
}
