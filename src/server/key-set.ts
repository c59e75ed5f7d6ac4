/**
 * A set of recent keys in two bounded generations (memory stays flat in a long-running server):
 * when the young generation fills it becomes the old one and the previous old one is dropped, so
 * at least the `capacity` most recent keys are always known.
 * @example const s = new RecentKeys(1e6); s.add('a'); s.has('a') === true
 */
export class RecentKeys {
  private young = new Set<string>();
  private old = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  add(key: string): void {
    if (this.has(key)) return;
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(key);
  }
}
