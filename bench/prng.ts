/**
 * A small seeded PRNG (sfc32) with the helpers the synthetic-data generator needs.
 * Deterministic across runs and platforms: the same seed gives the same byte stream.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @example const r = new Prng(42); r.int(10); // 0..9, the same every run
   */
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const v = items[this.int(items.length)];
    if (v === undefined) throw new Error('pick from an empty list');
    return v;
  }

  /** Lower-case hex string of n digits. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, n);
  }

  /** Random (version 4 shaped) UUID. */
  uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${'89ab'[this.int(4)]}${this.hex(3)}-${this.hex(12)}`;
  }

  /** Lower-case alphanumeric suffix as Kubernetes generates for pod names. */
  suffix(n: number): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }
}

/**
 * Picks from a weighted table `[[weight, value], ...]`, with the cumulative sums precomputed once.
 * @example const w = new Weighted([[9, 'get'], [1, 'delete']]); w.pick(prng);
 */
export class Weighted<T> {
  private readonly cumulative: number[] = [];
  private readonly values: T[] = [];
  private readonly total: number;

  constructor(table: readonly (readonly [number, T])[]) {
    let sum = 0;
    for (const [w, v] of table) {
      sum += w;
      this.cumulative.push(sum);
      this.values.push(v);
    }
    this.total = sum;
  }

  pick(r: Prng): T {
    const x = r.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (x < (this.cumulative[mid] ?? 0)) hi = mid;
      else lo = mid + 1;
    }
    const v = this.values[lo];
    if (v === undefined) throw new Error('empty weighted table');
    return v;
  }
}
