/**
 * IPv4 and IPv6 addresses as 16-byte arrays (IPv4 in the IPv4-mapped form ::ffff:a.b.c.d, so an
 * IPv4 CIDR also matches a mapped IPv6 address), and CIDR ranges over them.
 */

/** Parses an IPv4 or IPv6 address (no zone id, no brackets). Undefined when it is not one. */
export function parseIp(text: string): Uint8Array | undefined {
  const s = text.trim();
  if (s.includes(':')) return parseV6(s);
  const v4 = parseV4(s);
  if (!v4) return undefined;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(v4, 12);
  return out;
}

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseV6(s: string): Uint8Array | undefined {
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  const groups = (str: string): number[] | undefined => {
    if (str === '') return [];
    const out: number[] = [];
    const items = str.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseV4(it);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(it)) return undefined;
        out.push(Number.parseInt(it, 16));
      }
    }
    return out;
  };
  let words: number[];
  if (dbl >= 0) {
    const head = groups(s.slice(0, dbl));
    const tail = groups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = groups(s);
    if (all?.length !== 8) return undefined;
    words = all;
  }
  const out = new Uint8Array(16);
  words.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

export interface CidrRange {
  readonly base: Uint8Array;
  /** Prefix length in bits over the 16-byte form (IPv4 /n becomes /96+n). */
  readonly bits: number;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a /32 or /128). Undefined when invalid.
 * @example parseCidr('10.0.0.0/8')?.bits === 104
 */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const base = parseIp(addr);
  if (!base) return undefined;
  const v4 = !addr.includes(':');
  const max = v4 ? 32 : 128;
  let n = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    n = Number(p);
    if (n > max) return undefined;
  }
  return { base, bits: v4 ? 96 + n : n };
}

/** True when `ip` lies in `range`. */
export function inCidr(ip: Uint8Array, range: CidrRange): boolean {
  const full = range.bits >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== range.base[i]) return false;
  const rest = range.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip[full]! ^ range.base[full]!) & mask) === 0;
}
