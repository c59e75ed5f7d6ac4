/**
 * Byte-level prefilter (performance.md §8): decide from a JSON Lines line's raw bytes, before it is
 * decoded or parsed, whether any loaded rule could match the audit event it holds. The floor of a
 * scan is parsing every record; most records cannot match any rule, so reading four index keys
 * (verb, objectRef.resource, objectRef.subresource, responseStatus.code) straight from the bytes
 * and parsing only the candidates goes past it.
 *
 * Correctness comes first; every doubt means "candidate" (parse the line):
 * - Only two shapes are read, both as the API server (Go encoding/json) writes them, with the
 *   fields of an audit Event in struct order (kind, apiVersion, level, auditID, stage, requestURI,
 *   verb, user, impersonatedUser, sourceIPs, userAgent, objectRef, responseStatus, requestObject,
 *   ...): a raw audit Event line starting `{"kind":"Event","apiVersion":"audit.k8s.io/v1",` (plain
 *   keys), and one AKS diagnostic record (a `category`, a `properties`, and exactly one
 *   `"log":"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",...` string: escaped keys).
 *   Every other line (GKE, EKS CloudWatch batches, Event Hub `records[]`, Log Analytics, ECS,
 *   re-serialized samples with other key orders, ...) is a candidate.
 * - Keys are matched where they are keys: a plain `"verb":"` cannot occur inside a JSON string
 *   (quotes are escaped there), and inside `properties.log` a user string is escaped twice, so
 *   `\"verb\":\"` only matches keys of the inner Event. In struct order nothing user-controlled
 *   with object or string values under arbitrary keys precedes the index keys (user.extra holds
 *   arrays), so the first occurrence after the prefix is the Event's own key when the Event has it.
 *   When the Event lacks a field, whatever is read instead cannot turn a match into a skip, because
 *   plans never constrain a key to a set holding '' (see `compilePrefilter`).
 * - Values are short ASCII tokens, compared lower-cased (Sigma is case-insensitive); a backslash
 *   (`\u` escape), a non-token byte or an over-long value makes the line a candidate.
 * - Structurally broken lines (not `{`...`}`) are candidates, so they reach the parser and its
 *   quarantine.
 */

/**
 * Necessary conditions of one rule, as lower-case value sets per index key (undefined: any value).
 * A line is a candidate when some clause admits it.
 */
export interface PrefilterClause {
  readonly verbs?: ReadonlySet<string>;
  readonly resources?: ReadonlySet<string>;
  readonly subresources?: ReadonlySet<string>;
  /** Response codes as decimal text ('401'), or lower-cased strings a rule compared the code with. */
  readonly codes?: ReadonlySet<string>;
  /** `user.username`, lower-cased: one of these values... */
  readonly users?: ReadonlySet<string>;
  /** ... and/or starting with one of these. */
  readonly userPrefixes?: readonly string[];
  /** `userAgent` starting with one of these (lower-cased, at most `maxAgent` chars). */
  readonly agentPrefixes?: readonly string[];
  /** The Event has an `impersonatedUser`. */
  readonly impersonated?: boolean;
}

/** How much of a userAgent is read: prefixes longer than this do not constrain. */
export const maxAgent = 64;

/**
 * What the loaded rules could match, for the prefilter: one clause per rule that can match an audit
 * event of a readable shape. `undefined` (not a plan) means "no prefilter": some rule could match
 * any record.
 */
export interface PrefilterPlan {
  readonly clauses: readonly PrefilterClause[];
}

/** The index keys read from a line: lower-case value, '' when absent, undefined when not read. */
export interface LineFacts {
  verb: string | undefined;
  resource: string | undefined;
  subresource: string | undefined;
  code: string | undefined;
  /** Where the line was read: 'raw' Event or 'aks' record (log key at `logAt`), its end without trailing blanks. */
  shape: 'raw' | 'aks' | undefined;
  logAt: number;
  /** Where responseStatus starts. */
  statusAt: number;
  /** Where the verb's value ends (its closing quote), for readUserFacts. */
  verbEnd: number;
  /** Read by `readUserFacts`: `user.username` lower-cased, '' when absent, undefined when not read. */
  user: string | undefined;
  /** The first `maxAgent` chars of `userAgent`, lower-cased; '' when absent, undefined when not read. */
  agent: string | undefined;
  /** Whether the Event has an `impersonatedUser` (undefined: not read). */
  impersonated: boolean | undefined;
  /** The line as latin1 text (one char per byte: offsets are byte offsets), trailing blanks cut. */
  text: string;
}

/** A JSON Lines filter (ingest's `IngestOptions.lineFilter`): false means no rule could match. */
export type LineFilter = (buf: Buffer, start: number, end: number) => boolean;

// The reader works on the line decoded as latin1 (a byte per char, so offsets are byte offsets):
// String#indexOf runs inside V8, where each Buffer#indexOf would cross into C++ (~0.2 µs a call).
// V8 searches patterns shorter than 7 chars linearly (memchr on the first char) and longer ones
// with skip tables built on every call, so keys are found through a short anchor starting with a
// rare char (`findVia`), then checked whole.

/**
 * Position of `needle` at or after `from`, found through `anchor`, the part of it at offset `off`.
 * @example findVia(t, ',"verb":"', 'verb"', 2, 0)
 */
function findVia(t: string, needle: string, anchor: string, off: number, from: number): number {
  let i = t.indexOf(anchor, from + off);
  while (i >= 0) {
    if (t.startsWith(needle, i - off)) return i - off;
    i = t.indexOf(anchor, i + 1);
  }
  return -1;
}

/** A key and its search anchor. */
interface Key {
  readonly text: string;
  readonly anchor: string;
  readonly off: number;
  readonly length: number;
}

const key = (text: string, anchor: string): Key => ({
  text,
  anchor,
  off: text.indexOf(anchor),
  length: text.length,
});

const findKey = (t: string, k: Key, from: number): number => findVia(t, k.text, k.anchor, k.off, from);

interface Keys {
  readonly verb: Key;
  readonly objectRef: Key;
  readonly resource: string;
  readonly subresource: string;
  readonly responseStatus: Key;
  readonly code: Key;
  readonly stageTimestamp: Key;
  readonly user: string;
  readonly userAgent: Key;
  readonly impersonated: Key;
  /** The char that closes a string value: `"` (plain) or `\` (escaped: `\"`). */
  readonly close: number;
}

const keys = (esc: boolean): Keys => {
  const k = (s: string) => (esc ? s.replaceAll('"', '\\"') : s);
  const q = esc ? '\\' : '"';
  return {
    verb: key(k(',"verb":"'), `verb${q}`),
    objectRef: key(k(',"objectRef":{'), `Ref${q}`),
    resource: k('"resource":"'),
    subresource: k(',"subresource":"'),
    responseStatus: key(k(',"responseStatus":{'), 'Status'),
    code: key(k('"code":'), `code${q}`),
    stageTimestamp: key(k(',"stageTimestamp":"'), 'Timest'),
    user: k(',"user":{"username":"'),
    userAgent: key(k(',"userAgent":"'), 'Agent'),
    // No closing quote: a key `impersonatedUser.username` (which Sigma's dotted lookup reads) counts too.
    impersonated: key(k('"impersonatedUser'), 'rsonat'),
    close: esc ? 92 : 34,
  };
};

const plainKeys = keys(false);
const escapedKeys = keys(true);
const rawPrefix = '{"kind":"Event","apiVersion":"audit.k8s.io/v1",';
const aksPrefix = '"log":"{\\"kind\\":\\"Event\\",\\"apiVersion\\":\\"audit.k8s.io';
const aksVersion = '/v1\\",';
const aksVersionSlash = '\\/v1\\",';
const maxValue = 64;

/** Token chars allowed in an index value: letters, digits, `.`, `-`, `_`, `:`. */
function isToken(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 46 ||
    c === 45 ||
    c === 95 ||
    c === 58
  );
}

/** The string value starting at `at` up to the closing quote, lower-cased; undefined when odd. */
function readString(t: string, at: number, k: Keys): string | undefined {
  const stop = Math.min(t.length, at + maxValue + 1);
  for (let i = at; i < stop; i++) {
    const c = t.charCodeAt(i);
    if (c === k.close) {
      // escaped form: the value must close with `\"`, never hold a `\` escape
      if (k.close === 92 && t.charCodeAt(i + 1) !== 34) return undefined;
      return t.slice(at, i).toLowerCase();
    }
    if (!isToken(c)) return undefined;
  }
  return undefined;
}

/** Decimal digits at `at`, followed by `,` or `}`; undefined when odd. */
function readCode(t: string, at: number): string | undefined {
  let i = at;
  while (i < t.length && i - at < 6) {
    const c = t.charCodeAt(i);
    if (c >= 48 && c <= 57) i++;
    else break;
  }
  if (i === at) return undefined;
  const next = t.charCodeAt(i);
  if (next !== 44 && next !== 125) return undefined;
  return t.slice(at, i);
}

/**
 * Reads the index keys of the audit Event held by `buf[start..end)`, into `out`. Returns false when
 * the line is not of a shape the reader knows (then it must be parsed).
 * @example const f = emptyFacts(); readLineFacts(buf, 0, buf.length, f) && f.verb === 'get'
 */
export function readLineFacts(buf: Buffer, start: number, end: number, out: LineFacts): boolean {
  out.verb = out.resource = out.subresource = out.code = undefined;
  out.user = out.agent = undefined;
  out.impersonated = undefined;
  out.shape = undefined;
  // Trailing CR or blanks, then the structural check: a record is `{`...`}`.
  while (end > start && (buf[end - 1] === 13 || buf[end - 1] === 32 || buf[end - 1] === 9)) end--;
  if (end - start < 2 || buf[start] !== 123 || buf[end - 1] !== 125) return false;
  const t = buf.toString('latin1', start, end);
  out.text = t;
  let k: Keys;
  let p: number;
  if (t.startsWith(rawPrefix)) {
    k = plainKeys;
    p = rawPrefix.length - 1;
    out.shape = 'raw';
  } else {
    const a = findVia(t, aksPrefix, 'log":', 1, 0);
    if (a < 0) return false;
    const v = a + aksPrefix.length;
    if (t.startsWith(aksVersion, v)) p = v + aksVersion.length - 1;
    else if (t.startsWith(aksVersionSlash, v)) p = v + aksVersionSlash.length - 1;
    else return false;
    // Batches (`records[]`) and the envelope's shape are checked by completeRecord, before a skip.
    k = escapedKeys;
    out.shape = 'aks';
    out.logAt = a;
  }
  // Every search below is short: verb, objectRef and responseStatus sit in the first few hundred
  // bytes of an Event, and nothing is searched past responseStatus but its own code.
  const vk = findKey(t, k.verb, p);
  if (vk < 0) return false;
  const verb = readString(t, vk + k.verb.length, k);
  if (verb === undefined) return false;
  out.verb = verb;
  const after = vk + k.verb.length + verb.length;
  out.verbEnd = after;
  const rs = findKey(t, k.responseStatus, after);
  if (rs < 0) return false; // no response yet (RequestReceived stage) or another shape: parse
  out.statusAt = rs;
  // objectRef, when the Event has one, is the field just before responseStatus.
  const o = findKey(t, k.objectRef, after);
  // objectRef after responseStatus, or before verb, is not the API server's order: parse the line.
  if (o > rs) return false;
  if (o < 0) {
    if (findKey(t, k.objectRef, p) >= 0) return false;
    out.resource = '';
    out.subresource = '';
  } else {
    const r = o + k.objectRef.length;
    if (!t.startsWith(k.resource, r)) return false; // Go writes resource first
    const res = readString(t, r + k.resource.length, k);
    if (res === undefined) return false;
    out.resource = res;
    // subresource, when there, is objectRef's last field: read it backwards from its closing brace
    const sub = lastField(t, r, rs, k);
    if (sub === undefined) return false;
    out.subresource = sub;
  }
  const c = findKey(t, k.code, rs + k.responseStatus.length);
  if (c < 0)
    out.code = undefined; // a Status without code (0): not read, so not constrained
  else {
    const code = readCode(t, c + k.code.length);
    if (code === undefined) return false;
    out.code = code;
  }
  return true;
}

/**
 * objectRef's subresource, read backwards from the `}` that closes objectRef just before
 * `,"responseStatus"` at `rs`: its value when the last field is subresource, '' when the last field
 * is another one (subresource is written last), undefined when the chars are not plain tokens.
 */
function lastField(t: string, from: number, rs: number, k: Keys): string | undefined {
  if (t.charCodeAt(rs - 1) !== 125) return undefined;
  const esc = k.close === 92;
  // value end: `"}` or `\"}`
  if (t.charCodeAt(rs - 2) !== 34 || (esc && t.charCodeAt(rs - 3) !== 92)) return undefined;
  const ve = esc ? rs - 3 : rs - 2;
  let vs = ve;
  while (vs > from && ve - vs <= maxValue && isToken(t.charCodeAt(vs - 1))) vs--;
  if (t.charCodeAt(vs - 1) !== 34 || (esc && t.charCodeAt(vs - 2) !== 92)) return undefined;
  const keyAt = vs - k.subresource.length;
  if (keyAt < from || !t.startsWith(k.subresource, keyAt)) return '';
  return t.slice(vs, ve).toLowerCase();
}

/**
 * A string value's text from `at`, lower-cased: printable ASCII up to its closing quote (`"`, or
 * `\"` in the escaped shape), cut at `max` chars (`cut`: the longer rest is not read). An escaped
 * slash (`\/`, which some AKS exports write for every `/`) reads as `/`. Undefined at any other
 * escape, a quote out of place, a non-ASCII or control byte, or a value longer than `max` without
 * `cut`: the value is then not read.
 */
function readText(t: string, at: number, k: Keys, max: number, cut: boolean): string | undefined {
  const stop = Math.min(t.length, at + max);
  let done = '';
  let from = at;
  for (let i = at; i < stop; i++) {
    const c = t.charCodeAt(i);
    if (c === 92) {
      const next = t.charCodeAt(i + 1);
      if (k.close === 92 && next === 34) return (done + t.slice(from, i)).toLowerCase();
      if (next !== 47) return undefined;
      done += `${t.slice(from, i)}/`;
      i++;
      from = i + 1;
      continue;
    }
    if (c === 34) return k.close === 34 ? (done + t.slice(from, i)).toLowerCase() : undefined;
    if (c < 32 || c > 126) return undefined;
  }
  return cut && stop === at + max ? (done + t.slice(from, Math.max(from, stop))).toLowerCase() : undefined;
}

/**
 * Reads `user.username`, the start of `userAgent` and whether there is an `impersonatedUser`, for
 * a line `readLineFacts` read. In struct order `user` follows `verb` directly and starts with its
 * `username`; `userAgent` comes before `objectRef` / `responseStatus`. A key found elsewhere (or a
 * value not plainly readable) leaves the fact unread; a key found nowhere reads as absent ('').
 * `"impersonatedUser` is looked for anywhere in the Event; it may match inside a string too, which
 * only makes more lines candidates.
 */
export function readUserFacts(f: LineFacts): void {
  const t = f.text;
  const k = f.shape === 'raw' ? plainKeys : escapedKeys;
  const from = f.shape === 'raw' ? 0 : f.logAt;
  const u = f.verbEnd + (k.close === 92 ? 2 : 1);
  f.user = t.startsWith(k.user, u) ? readText(t, u + k.user.length, k, 256, false) : undefined;
  const a = findKey(t, k.userAgent, u);
  if (a >= 0 && a < f.statusAt) f.agent = readText(t, a + k.userAgent.length, k, maxAgent, true);
  else f.agent = findKey(t, k.userAgent, from) >= 0 ? undefined : '';
  f.impersonated = findKey(t, k.impersonated, from) >= 0;
}

/** Facts with nothing read yet. */
export const emptyFacts = (): LineFacts => ({
  verb: undefined,
  resource: undefined,
  subresource: undefined,
  code: undefined,
  shape: undefined,
  logAt: 0,
  statusAt: 0,
  verbEnd: 0,
  user: undefined,
  agent: undefined,
  impersonated: undefined,
  text: '',
});

/** True when some clause admits the facts (an unread key admits anything). */
export function admits(plan: PrefilterPlan, f: LineFacts): boolean {
  for (const c of plan.clauses) {
    if (c.verbs && f.verb !== undefined && !c.verbs.has(f.verb)) continue;
    if (c.resources && f.resource !== undefined && !c.resources.has(f.resource)) continue;
    if (c.subresources && f.subresource !== undefined && !c.subresources.has(f.subresource)) continue;
    if (c.codes && f.code !== undefined && !c.codes.has(f.code)) continue;
    if (!admitsUser(c, f)) continue;
    return true;
  }
  return false;
}

/** The user, user agent and impersonation conditions of a clause (unread facts admit anything). */
function admitsUser(c: PrefilterClause, f: LineFacts): boolean {
  const user = f.user;
  if (user !== undefined) {
    if (c.users && !c.users.has(user)) return false;
    if (c.userPrefixes && !c.userPrefixes.some((p) => user.startsWith(p))) return false;
  }
  const agent = f.agent;
  if (agent !== undefined && c.agentPrefixes && !c.agentPrefixes.some((p) => agent.startsWith(p)))
    return false;
  if (c.impersonated && f.impersonated === false) return false;
  return true;
}

/** Whether a clause has conditions on facts `readUserFacts` reads. */
const readsUser = (c: PrefilterClause): boolean =>
  !!(c.users || c.userPrefixes || c.agentPrefixes || c.impersonated);

/**
 * Normalizes a plan: a clause constraining a key to a set that holds '' (the value read when a
 * field is absent, see the module comment) leaves that key free; a clause with no constraint left
 * means every line is a candidate, so the plan is dropped (undefined).
 */
export function normalizePlan(plan: PrefilterPlan | undefined): PrefilterPlan | undefined {
  if (!plan) return undefined;
  const clauses: PrefilterClause[] = [];
  for (const c of plan.clauses) {
    const keep = (s: ReadonlySet<string> | undefined) =>
      s && !s.has('') ? new Set([...s].map((x) => x.toLowerCase())) : undefined;
    const verbs = keep(c.verbs);
    const resources = keep(c.resources);
    const subresources = keep(c.subresources);
    const codes = keep(c.codes);
    const users = keep(c.users);
    // Every value starts with '': such a prefix list constrains nothing; agents are read up to maxAgent.
    const prefixes = (xs: readonly string[] | undefined, max: number) =>
      xs?.every((x) => x !== '' && x.length <= max) ? xs.map((x) => x.toLowerCase()) : undefined;
    const userPrefixes = prefixes(c.userPrefixes, 256);
    const agentPrefixes = prefixes(c.agentPrefixes, maxAgent);
    const impersonated = c.impersonated === true;
    if (
      !verbs &&
      !resources &&
      !subresources &&
      !codes &&
      !users &&
      !userPrefixes &&
      !agentPrefixes &&
      !impersonated
    )
      return undefined;
    clauses.push({
      ...(verbs ? { verbs } : {}),
      ...(resources ? { resources } : {}),
      ...(subresources ? { subresources } : {}),
      ...(codes ? { codes } : {}),
      ...(users ? { users } : {}),
      ...(userPrefixes ? { userPrefixes } : {}),
      ...(agentPrefixes ? { agentPrefixes } : {}),
      ...(impersonated ? { impersonated } : {}),
    });
  }
  return { clauses };
}

const maxCache = 4096;

/**
 * The line filter for a plan, or undefined when the plan is none (every line a candidate). Lines
 * whose shape the reader does not know are candidates; decisions are cached per (verb, resource,
 * subresource, code), a few hundred distinct tuples in a real cluster.
 * @example const filter = compilePrefilter(plan); await ingest(inputs, sink, filter ? { lineFilter: filter } : {});
 */
export function compilePrefilter(plan: PrefilterPlan | undefined): LineFilter | undefined {
  const p = normalizePlan(plan);
  if (!p) return undefined;
  // Clauses on the user facts are checked per line; the others' decision is cached per index tuple.
  const simple: PrefilterPlan = { clauses: p.clauses.filter((c) => !readsUser(c)) };
  const withUser: PrefilterPlan = { clauses: p.clauses.filter(readsUser) };
  const facts = emptyFacts();
  // verb -> resource -> subresource -> code -> decision; no key strings built per line.
  type Level<T> = Map<string | undefined, T>;
  let cache: Level<Level<Level<Level<boolean>>>> = new Map();
  let cached = 0;
  const level = <T>(m: Level<Level<T>>, k: string | undefined): Level<T> => {
    let x = m.get(k);
    if (x === undefined) {
      x = new Map();
      m.set(k, x);
    }
    return x;
  };
  return (buf, start, end) => {
    if (!readLineFacts(buf, start, end, facts)) return true;
    const byCode = level(level(level(cache, facts.verb), facts.resource), facts.subresource);
    let hit = byCode.get(facts.code);
    if (hit === undefined) {
      hit = admits(simple, facts);
      if (++cached > maxCache) {
        cache = new Map();
        cached = 0;
      }
      byCode.set(facts.code, hit);
    }
    if (!hit && withUser.clauses.length) {
      readUserFacts(facts);
      hit = admits(withUser, facts);
    }
    // About to skip: only a complete record may be skipped (a truncated one goes to quarantine).
    return hit || !completeRecord(facts);
  };
}

/**
 * True when the line read by `readLineFacts` holds one whole record, checked from its end: the
 * Event's last fields (`stageTimestamp`, always written, then optional `annotations`) close the
 * Event, and for AKS the log string and the envelope close at the last char with the nesting the
 * envelope opened (2: the record's `properties`, so not a `records[]` batch whose other items were
 * not read). This catches records cut short anywhere (a cut that happens to end in `}` included)
 * and Events without a time. It does not validate the chars in between: a record corrupted
 * mid-line that no rule could match is skipped instead of quarantined.
 */
export function completeRecord(f: LineFacts): boolean {
  const t = f.text;
  const end = t.length;
  if (f.shape === 'raw') {
    const s = findKey(t, plainKeys.stageTimestamp, f.statusAt);
    if (s <= 0) return false;
    const q = skipTime(t, s + plainKeys.stageTimestamp.length, 34);
    return q > 0 && closeOf(t, q, 1, false) === end;
  }
  if (f.shape !== 'aks') return false;
  // The envelope: a top-level record whose `properties` (depth 2) holds the log, not an item of a
  // `records[]` batch (whose other items were not read).
  const cat = findVia(t, '"category":', 'ategor', 2, 0);
  const props = findVia(t, '"properties":', 'ropert', 2, 0);
  if (cat < 0 || cat > f.logAt || props < 0 || props > f.logAt) return false;
  const firstEscape = t.indexOf('\\');
  if ((firstEscape > f.logAt ? plainDepth(t, 0, f.logAt) : depthAt(t, 0, f.logAt)) !== 2) return false;
  // The log string's end: the first `}\n"` or `}"` after it starts. Inside the string every quote
  // is escaped (`\"`), so neither can occur before the end; a record cut short has neither.
  const from = f.logAt + 7;
  let b = t.indexOf('}\\n"', from);
  let e = b + 3;
  if (b < 0) {
    b = t.indexOf('}"', from);
    if (b < 0) return false;
    e = b + 1;
  }
  // ... and the Event closes there, after a string (stageTimestamp) or the annotations map.
  const c1 = t.charCodeAt(b - 1);
  if (
    c1 === 125
      ? t.charCodeAt(b - 2) !== 34 || t.charCodeAt(b - 3) !== 92
      : c1 !== 34 || t.charCodeAt(b - 2) !== 92
  )
    return false;
  // After it, the envelope closes exactly at the last char, and it carries a time (the Event's
  // time when the Event has none).
  if (findVia(t, '"time":', 'time"', 1, e) < 0) return false;
  return t.indexOf('\\', e) < 0 ? plainDepth(t, e + 1, end) === -2 : closeOf(t, e + 1, 2, false) === end;
}

/** Skips a timestamp value up to its closing char `close` (`"`, or `\` of `\"`); the position after it, or -1. */
function skipTime(t: string, at: number, close: number): number {
  const stop = Math.min(t.length, at + 40);
  for (let i = at; i < stop; i++) {
    const c = t.charCodeAt(i);
    if (c === close) return i > at ? i + 1 : -1;
    if (!isToken(c) && c !== 43) return -1;
  }
  return -1;
}

/** Nesting depth at `to` of plain JSON scanned from `from` (-1 when `to` is inside a string or the text is unbalanced). */
function depthAt(t: string, from: number, to: number): number {
  let depth = 0;
  let inStr = false;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth < 0) return -1;
    }
  }
  return inStr ? -1 : depth;
}

/**
 * Nesting depth at `to` of JSON text without any backslash, scanned from `from` (-1 inside a
 * string): strings are skipped with indexOf, so only the structure between them is looked at.
 * A depth that falls below 0 is returned as it is (the tail of an envelope closes to -2).
 */
function plainDepth(t: string, from: number, to: number): number {
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (c === 34) {
      i = t.indexOf('"', i + 1);
      if (i < 0 || i >= to) return -100;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth < -2) return -100;
      // the tail closes the envelope at its very last char, nothing after
      if (depth === -2 && i !== to - 1) return -100;
    }
  }
  return depth;
}

/**
 * Scans JSON from `from` at nesting `depth` (outside any string) and returns the position just
 * after the bracket that brings the depth to 0, or -1. With `esc` the JSON is the content of a JSON
 * string (AKS `properties.log`): `\"` is a quote, `\\` a backslash, a bare `"` ends the content.
 */
function closeOf(t: string, from: number, depth: number, esc: boolean): number {
  const end = t.length;
  let inStr = false;
  let pending = false; // inner escape: the next inner character is escaped
  let i = from;
  while (i < end) {
    let c = t.charCodeAt(i);
    if (esc) {
      if (c === 34) return -1;
      if (c === 92) {
        const n = t.charCodeAt(i + 1);
        if (n === 117) {
          // \uXXXX: a quote or backslash written this way would hide structure; Go never does it
          const hex = t.slice(i + 2, i + 6).toLowerCase();
          if (hex === '0022' || hex === '005c') return -1;
          c = 0;
          i += 6;
        } else {
          c = n === 34 ? 34 : n === 92 ? 92 : 0;
          i += 2;
        }
      } else i++;
    } else i++;
    if (inStr) {
      if (pending) pending = false;
      else if (c === 92) pending = true;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (--depth === 0) return i;
    }
  }
  return -1;
}
