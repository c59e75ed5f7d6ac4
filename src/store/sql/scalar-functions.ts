import { datetimeFormatTokens } from '../../engine/kusto/datetime-functions.js';
import { ipv4Range, privateIpv4Ranges } from '../../engine/kusto/scalar-functions.js';
import type { Scalar } from '../../ir/query.js';
import type { ScalarCtx } from './compile-scalar.js';
import type { SqlDialect } from './dialect.js';
import { unsupported } from './unsupported.js';
import {
  asBool,
  asJson,
  asNumber,
  asText,
  isNumeric,
  kqlDatetimeText,
  literalSql,
  materialize,
  type SqlValue,
} from './values.js';

type Call = Extract<Scalar, { kind: 'Call' }>;

/** The characters JS `String#trim` removes (WhiteSpace and LineTerminator), as an RE2 class. */
const jsSpace =
  '[\\t\\n\\v\\f\\r \\x{00A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}]';

/** SQL of an IPv4 text as a number, NULL when it is not an address (as scalar-functions.ts `ipv4ToInt`). */
function ipv4Int(d: SqlDialect, text: string): string {
  const ip = `regexp_replace(${text}, ${d.quoteString(`^${jsSpace}+|${jsSpace}+$`)}, '', 'g')`;
  const parts = `TRY_CAST(string_split(${ip}, '.') AS BIGINT[])`;
  return `(CASE WHEN regexp_full_match(${ip}, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') AND list_max(${parts}) <= 255 THEN ${parts}[1] * 16777216 + ${parts}[2] * 65536 + ${parts}[3] * 256 + ${parts}[4] END)`;
}

/** SQL: the address number `ip` lies in `range` (false for an invalid range). */
const inRangeSql = (ip: string, range: { readonly base: number; readonly mask: number } | null): string =>
  range ? `((${ip} & ${range.mask}) = ${range.base})` : 'false';

const pad = (x: string, n: number): string => `lpad(CAST(${x} AS VARCHAR), ${n}, '0')`;

/** SQL text of one `format_datetime` specifier of timestamp `t` (as datetime-functions.ts prints it). */
function formatPart(t: string, token: string): string {
  const ms = `(millisecond(${t}) % 1000)`;
  const h12 = `(CASE WHEN hour(${t}) % 12 = 0 THEN 12 ELSE hour(${t}) % 12 END)`;
  switch (token) {
    case 'yyyy':
      return `CAST(year(${t}) AS VARCHAR)`;
    case 'yy':
      return pad(`year(${t}) % 100`, 2);
    case 'MM':
      return pad(`month(${t})`, 2);
    case 'M':
      return `CAST(month(${t}) AS VARCHAR)`;
    case 'dd':
      return pad(`day(${t})`, 2);
    case 'd':
      return `CAST(day(${t}) AS VARCHAR)`;
    case 'HH':
      return pad(`hour(${t})`, 2);
    case 'H':
      return `CAST(hour(${t}) AS VARCHAR)`;
    case 'hh':
      return pad(h12, 2);
    case 'h':
      return `CAST(${h12} AS VARCHAR)`;
    case 'mm':
      return pad(`minute(${t})`, 2);
    case 'm':
      return `CAST(minute(${t}) AS VARCHAR)`;
    case 'ss':
      return pad(`second(${t})`, 2);
    case 's':
      return `CAST(second(${t}) AS VARCHAR)`;
    case 'ff':
      return pad(`${ms} // 10`, 2);
    case 'f':
      return `CAST(${ms} // 100 AS VARCHAR)`;
    case 'tt':
      return `(CASE WHEN hour(${t}) < 12 THEN 'AM' ELSE 'PM' END)`;
    default:
      // fff and longer: milliseconds, then zeros.
      return `(${pad(ms, 3)} || '${'0'.repeat(token.length - 3)}')`;
  }
}

const usPerMs = 1000;
// 0001-01-01T00:00:00Z in epoch microseconds: KQL bins datetimes from .NET tick 0 (kusto.md 1.6).
const tickOriginUs = '(-62135596800000000)';

const dateParts: Readonly<Record<string, string>> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
  millisecond: 'millisecond',
  microsecond: 'microsecond',
};

/**
 * Compiles a scalar function call. Functions whose KQL semantics SQL cannot reproduce exactly stop
 * with `Unsupported` (the caller falls back to the in-memory engine).
 */
export function compileCall(ctx: ScalarCtx, e: Call, sub: (x: Scalar) => SqlValue): SqlValue {
  const { d } = ctx;
  const args = () => e.args.map(sub);
  const arg = (i: number): SqlValue => {
    const a = e.args[i];
    if (!a) return unsupported(`${e.fn}()`, `argument ${i + 1} is missing`, e.span);
    return sub(a);
  };
  const out = (sql: string): SqlValue => ({ sql, type: e.type });
  const text = (i: number) => asText(d, arg(i));
  const str = (i: number) => `coalesce(${text(i)}, '')`;
  const nowUs = `${Math.round(ctx.nowMs * usPerMs)}`;
  switch (e.fn) {
    case 'now': {
      const off = e.args.length ? ` + CAST(round(${arg(0).sql} * 1000) AS BIGINT)` : '';
      return out(d.fromEpochMicros(`(${nowUs}${off})`));
    }
    case 'ago':
      return out(d.fromEpochMicros(`(${nowUs} - CAST(round(${arg(0).sql} * 1000) AS BIGINT))`));
    case 'bin':
    case 'floor': {
      const v = arg(0);
      const size = arg(1);
      if (v.type === 'datetime') {
        const us = `CAST(round(${size.sql} * 1000) AS BIGINT)`;
        return out(
          d.fromEpochMicros(
            `(floor((${d.epochMicros(v.sql)} - ${tickOriginUs}) / ${us}) * ${us} + ${tickOriginUs})::BIGINT`,
          ),
        );
      }
      const n = asNumber(d, v);
      const sql = `(floor(${n} / ${asNumber(d, size)}) * ${asNumber(d, size)})`;
      return out(e.type === 'long' || e.type === 'int' ? `CAST(${sql} AS BIGINT)` : sql);
    }
    case 'tostring':
      return out(str(0));
    case 'toint':
    case 'tolong': {
      const v = arg(0);
      if (isNumeric(v.type) && !v.path) return out(`CAST(trunc(${v.sql}) AS BIGINT)`);
      if (v.type === 'bool' && !v.path) return out(`CAST(${v.sql} AS BIGINT)`);
      return out(`CAST(trunc(TRY_CAST(${asText(d, v)} AS DOUBLE)) AS BIGINT)`);
    }
    case 'todouble':
    case 'toreal':
      return out(asNumber(d, arg(0)));
    case 'tobool':
      return out(asBool(d, arg(0)));
    case 'todatetime': {
      const v = arg(0);
      if (v.type === 'datetime') return out(v.sql);
      return out(`TRY_CAST(${asText(d, v)} AS TIMESTAMP)`);
    }
    case 'parse_json': {
      const v = arg(0);
      if (v.type === 'string' && !v.path)
        return out(`CASE WHEN json_valid(${v.sql}) THEN CAST(${v.sql} AS JSON) ELSE ${d.toJson(v.sql)} END`);
      const j = asJson(d, v);
      const t = asText(d, v);
      return out(
        `CASE WHEN ${d.jsonType(j)} = 'VARCHAR' AND json_valid(${t}) THEN CAST(${t} AS JSON) ELSE ${j} END`,
      );
    }
    case 'extract': {
      const re = arg(0);
      const group = e.args[1];
      if (group?.kind !== 'Literal' || typeof group.value !== 'number')
        return unsupported('extract', 'group must be a literal', e.span);
      if (e.args.length > 3)
        return unsupported('extract', 'the typed form (4th argument) is not compiled', e.span);
      const s = text(2);
      return out(
        `CASE WHEN ${d.regexMatch(s, re.sql)} THEN regexp_extract(${s}, ${re.sql}, ${group.value}) ELSE '' END`,
      );
    }
    case 'extract_all': {
      const re = e.args[0];
      if (re?.kind !== 'Literal' || typeof re.value !== 'string')
        return unsupported('extract_all', 'the regex must be a literal', e.span);
      const groups = countGroups(re.value);
      if (groups > 1 || e.args.length > 2)
        return unsupported('extract_all', 'several capture groups give nested arrays', e.span);
      const s = text(e.args.length - 1);
      const l = `regexp_extract_all(${s}, ${d.quoteString(re.value)}, ${groups})`;
      return out(`CASE WHEN len(${l}) = 0 THEN NULL ELSE to_json(${l}) END`);
    }
    case 'url_decode':
      return out(`url_decode(${str(0)})`);
    case 'strcat':
      return out(`concat(${e.args.map((_, i) => str(i)).join(', ')})`);
    case 'strcat_delim':
      return out(
        `concat_ws(${str(0)}, ${e.args
          .slice(1)
          .map((_, i) => str(i + 1))
          .join(', ')})`,
      );
    case 'strcat_array': {
      const arr = asJson(d, arg(0));
      return out(
        `coalesce(array_to_string(CASE WHEN ${d.jsonType(arr)} = 'ARRAY' THEN ${d.jsonText(arr, '$[*]')} END, ${str(1)}), '')`,
      );
    }
    case 'split': {
      const parts = `string_split(${str(0)}, ${str(1)})`;
      if (e.args.length > 2) {
        const i = `CAST(${asNumber(d, arg(2))} AS BIGINT)`;
        return out(
          `CASE WHEN ${i} >= 0 AND ${i} < len(${parts}) THEN to_json([${parts}[${i} + 1]]) ELSE CAST('[]' AS JSON) END`,
        );
      }
      return out(`to_json(${parts})`);
    }
    case 'bag_keys': {
      const j = asJson(d, arg(0));
      return out(`CASE WHEN ${d.jsonType(j)} = 'OBJECT' THEN to_json(json_keys(${j})) END`);
    }
    case 'array_length': {
      const j = asJson(d, arg(0));
      return out(`CASE WHEN ${d.jsonType(j)} = 'ARRAY' THEN CAST(json_array_length(${j}) AS BIGINT) END`);
    }
    case 'pack_array':
      return out(
        `json_array(${args()
          .map((a) => asJson(d, a))
          .join(', ')})`,
      );
    case 'bag_pack': {
      const a = args();
      const parts: string[] = [];
      for (let i = 0; i + 1 < a.length; i += 2) parts.push(`${asText(d, a[i]!)}, ${asJson(d, a[i + 1]!)}`);
      return out(`json_object(${parts.join(', ')})`);
    }
    case 'isnull':
    case 'isnotnull': {
      const v = arg(0);
      const isNull =
        v.path || v.type === 'dynamic'
          ? v.path
            ? `(${asText(d, v)} IS NULL)`
            : `(${v.sql} IS NULL OR ${d.jsonType(v.sql)} = 'NULL')`
          : v.type === 'string'
            ? 'false'
            : `(${v.sql} IS NULL)`;
      return out(e.fn === 'isnull' ? isNull : `(NOT ${isNull})`);
    }
    case 'isempty':
    case 'isnotempty': {
      const v = arg(0);
      const empty =
        isNumeric(v.type) || v.type === 'datetime' || v.type === 'bool' || v.type === 'timespan'
          ? `(${v.sql} IS NULL)`
          : `(coalesce(${asText(d, v)}, '') = '')`;
      return out(e.fn === 'isempty' ? empty : `(NOT ${empty})`);
    }
    case 'iff': {
      const c = asBool(d, arg(0));
      return out(`CASE WHEN ${c} THEN ${typed(ctx, arg(1), e.type)} ELSE ${typed(ctx, arg(2), e.type)} END`);
    }
    case 'case': {
      const a = args();
      const whens: string[] = [];
      for (let i = 0; i + 1 < a.length; i += 2)
        whens.push(`WHEN ${asBool(d, a[i]!)} THEN ${typed(ctx, a[i + 1]!, e.type)}`);
      const last = a.length % 2 === 1 ? a[a.length - 1] : undefined;
      return out(
        `CASE ${whens.join(' ')} ELSE ${last ? typed(ctx, last, e.type) : literalSql(d, null, e.type)} END`,
      );
    }
    case 'coalesce': {
      const a = args().map((x) => typed(ctx, x, e.type));
      if (e.type === 'string') return out(`coalesce(${a.map((x) => `nullif(${x}, '')`).join(', ')}, '')`);
      if (e.type === 'dynamic')
        return out(
          `coalesce(${a.map((x) => `CASE WHEN ${d.jsonType(x)} <> 'NULL' THEN ${x} END`).join(', ')})`,
        );
      return out(`coalesce(${a.join(', ')})`);
    }
    case 'not':
      return out(`(NOT ${asBool(d, arg(0))})`);
    case 'tolower':
      return out(`lower(${str(0)})`);
    case 'toupper':
      return out(`upper(${str(0)})`);
    case 'strlen':
      return out(`CAST(length(${str(0)}) AS BIGINT)`);
    case 'substring': {
      const len = e.args.length > 2 ? `, greatest(${asNumber(d, arg(2))}, 0)` : '';
      return out(`substring(${str(0)}, greatest(${asNumber(d, arg(1))}, 0) + 1${len})`);
    }
    case 'indexof': {
      const start = e.args[2];
      if (
        e.args.length > 3 ||
        (start && (start.kind !== 'Literal' || typeof start.value !== 'number' || start.value < 0))
      )
        return unsupported(
          'indexof',
          'length/occurrence arguments and computed or negative starts are not compiled',
          e.span,
        );
      const from = start && start.kind === 'Literal' ? Number(start.value) : 0;
      const at = `instr(substring(${str(0)}, ${from + 1}), ${str(1)})`;
      return out(`CAST(CASE WHEN ${at} = 0 THEN -1 ELSE ${at} - 1 + ${from} END AS BIGINT)`);
    }
    case 'countof': {
      const kind = e.args[2];
      const isRegex = kind?.kind === 'Literal' && kind.value === 'regex';
      if (kind && !(kind.kind === 'Literal' && (kind.value === 'regex' || kind.value === 'normal')))
        return unsupported('countof', 'the kind must be a literal', e.span);
      const s0 = str(0);
      const n = str(1);
      if (isRegex)
        return out(
          `CAST(CASE WHEN ${n} = '' THEN 0 ELSE len(regexp_extract_all(${s0}, ${n})) END AS BIGINT)`,
        );
      // Plain matches may overlap (as the in-memory engine counts them).
      return out(
        `CAST(CASE WHEN ${n} = '' THEN 0 ELSE len(list_filter(range(length(${s0})), lambda i: substring(${s0}, i + 1, length(${n})) = ${n})) END AS BIGINT)`,
      );
    }
    case 'gettype': {
      const v = arg(0);
      if (!v.path && v.type !== 'dynamic') return out(d.quoteString(v.type));
      const j = asJson(d, v);
      return out(
        `CASE ${d.jsonType(j)} WHEN 'ARRAY' THEN 'array' WHEN 'OBJECT' THEN 'dictionary' WHEN 'VARCHAR' THEN 'string' ` +
          `WHEN 'BOOLEAN' THEN 'bool' WHEN 'BIGINT' THEN 'long' WHEN 'UBIGINT' THEN 'long' ` +
          `WHEN 'DOUBLE' THEN CASE WHEN TRY_CAST(${d.jsonText(j, '$')} AS DOUBLE) = floor(TRY_CAST(${d.jsonText(j, '$')} AS DOUBLE)) THEN 'long' ELSE 'real' END ` +
          `ELSE 'null' END`,
      );
    }
    case 'bin_at': {
      const v = arg(0);
      const size = arg(1);
      const at = arg(2);
      if (v.type === 'datetime') {
        const us = `CAST(round(${size.sql} * 1000) AS BIGINT)`;
        const a = d.epochMicros(at.sql);
        return out(
          d.fromEpochMicros(`CAST(floor((${d.epochMicros(v.sql)} - ${a}) / ${us}) * ${us} + ${a} AS BIGINT)`),
        );
      }
      const [x, sz, a] = [asNumber(d, v), asNumber(d, size), asNumber(d, at)];
      const sql = `(floor((${x} - ${a}) / ${sz}) * ${sz} + ${a})`;
      return out(e.type === 'long' || e.type === 'int' ? `CAST(${sql} AS BIGINT)` : sql);
    }
    case 'replace_string':
      return out(`replace(${str(0)}, ${str(1)}, ${str(2)})`);
    case 'replace_regex':
      return out(`regexp_replace(${str(0)}, ${arg(1).sql}, ${str(2)}, 'g')`);
    case 'trim':
    case 'trim_start':
    case 'trim_end': {
      const re = e.args[0];
      if (re?.kind !== 'Literal' || typeof re.value !== 'string')
        return unsupported(e.fn, 'the regex must be a literal', e.span);
      let v = str(1);
      if (e.fn !== 'trim_end') v = `regexp_replace(${v}, ${d.quoteString(`^(?:${re.value})+`)}, '')`;
      if (e.fn !== 'trim_start') v = `regexp_replace(${v}, ${d.quoteString(`(?:${re.value})+$`)}, '')`;
      return out(v);
    }
    case 'array_concat':
      return out(
        `to_json(flatten([${args()
          .map((a) => {
            const j = asJson(d, a);
            return `CASE WHEN ${d.jsonType(j)} = 'ARRAY' THEN CAST(${j} AS JSON[]) ELSE [] END`;
          })
          .join(', ')}]))`,
      );
    case 'reverse':
      return out(`reverse(${str(0)})`);
    case 'startofday':
    case 'startofweek':
    case 'startofmonth':
    case 'endofday': {
      const t = arg(0).sql;
      const off = e.args.length > 1 ? `CAST(${asNumber(d, arg(1))} AS BIGINT)` : undefined;
      if (e.fn === 'startofday')
        return out(off ? `(date_trunc('day', ${t}) + to_days(${off}))` : `date_trunc('day', ${t})`);
      if (e.fn === 'startofmonth')
        return out(off ? `(date_trunc('month', ${t}) + to_months(${off}))` : `date_trunc('month', ${t})`);
      if (e.fn === 'startofweek') {
        // KQL weeks start on Sunday.
        const sow = `CAST(CAST(${t} AS DATE) - CAST(dayofweek(${t}) AS INTEGER) AS TIMESTAMP)`;
        return out(off ? `(${sow} + to_days(${off} * 7))` : sow);
      }
      const eod = `(date_trunc('day', ${t}) + INTERVAL 1 DAY - INTERVAL 1 MICROSECOND)`;
      return out(off ? `(${eod} + to_days(${off}))` : eod);
    }
    case 'format_datetime': {
      const f = e.args[1] ? sub(e.args[1]) : undefined;
      if (typeof f?.literal !== 'string')
        return unsupported(
          'format_datetime with a computed format',
          'the format is compiled from a literal',
          e.span,
        );
      const t = arg(0).sql;
      const parts: string[] = [];
      let at = 0;
      for (const m of f.literal.matchAll(datetimeFormatTokens)) {
        if (m.index > at) parts.push(d.quoteString(f.literal.slice(at, m.index)));
        parts.push(formatPart(t, m[0]));
        at = m.index + m[0].length;
      }
      if (at < f.literal.length) parts.push(d.quoteString(f.literal.slice(at)));
      // The in-memory engine holds milliseconds: finer digits print as zeros there, and here.
      return out(`CASE WHEN ${t} IS NULL THEN '' ELSE ${parts.length ? parts.join(' || ') : "''"} END`);
    }
    case 'datetime_diff': {
      const part = partOf(e, 0);
      return out(`CAST(date_diff(${d.quoteString(part)}, ${arg(2).sql}, ${arg(1).sql}) AS BIGINT)`);
    }
    case 'datetime_add': {
      const part = partOf(e, 0);
      return out(
        `(${arg(2).sql} + to_${part === 'millisecond' ? 'milliseconds' : `${part}s`}(CAST(${asNumber(d, arg(1))} AS BIGINT)))`,
      );
    }
    case 'dayofweek':
      return out(`(CAST(dayofweek(${arg(0).sql}) AS DOUBLE) * 86400000)`);
    case 'hourofday':
      return out(`CAST(hour(${arg(0).sql}) AS BIGINT)`);
    case 'getmonth':
      return out(`CAST(month(${arg(0).sql}) AS BIGINT)`);
    case 'getyear':
      return out(`CAST(year(${arg(0).sql}) AS BIGINT)`);
    case 'unixtime_seconds_todatetime':
      return out(d.fromEpochMicros(`CAST(round(${asNumber(d, arg(0))} * 1000000) AS BIGINT)`));
    case 'unixtime_milliseconds_todatetime':
      return out(d.fromEpochMicros(`CAST(round(${asNumber(d, arg(0))} * 1000) AS BIGINT)`));
    case 'abs':
      return out(`abs(${asNumber(d, arg(0))})`);
    case 'round':
      return out(
        `round(${asNumber(d, arg(0))}${e.args.length > 1 ? `, CAST(${asNumber(d, arg(1))} AS INTEGER)` : ''})`,
      );
    case 'sqrt':
      return out(`sqrt(${asNumber(d, arg(0))})`);
    case 'log':
      return out(`ln(${asNumber(d, arg(0))})`);
    case 'exp':
      return out(`exp(${asNumber(d, arg(0))})`);
    case 'pow':
      return out(`pow(${asNumber(d, arg(0))}, ${asNumber(d, arg(1))})`);
    case 'min_of':
      return out(
        `least(${args()
          .map((a) => typed(ctx, a, e.type))
          .join(', ')})`,
      );
    case 'max_of':
      return out(
        `greatest(${args()
          .map((a) => typed(ctx, a, e.type))
          .join(', ')})`,
      );
    case 'base64_encode_tostring':
      return out(`to_base64(encode(${str(0)}))`);
    case 'base64_decode_tostring':
      return out(`coalesce(TRY(decode(from_base64(${str(0)}))), '')`);
    case 'url_encode':
      return out(`url_encode(${str(0)})`);
    case 'set_has_element': {
      const arr = asJson(d, arg(0));
      return out(`coalesce(list_contains(${d.jsonText(arr, '$[*]')}, ${text(1)}), false)`);
    }
    case 'column_ifexists': {
      const name = e.args[0];
      if (name?.kind !== 'Literal' || typeof name.value !== 'string')
        return unsupported('column_ifexists', 'name must be a literal', e.span);
      const col = ctx.rel.cols.find((c) => c.name === name.value);
      return col ? out(d.quoteIdent(col.ident)) : arg(1);
    }
    case 'ipv4_is_private': {
      const ip = ipv4Int(d, `split_part(${str(0)}, '/', 1)`);
      const tests = privateIpv4Ranges.map((c) => inRangeSql(ip, ipv4Range(c)));
      return out(`CASE WHEN ${ip} IS NULL THEN NULL ELSE (${tests.join(' OR ')}) END`);
    }
    case 'ipv4_is_in_range': {
      const cidr = e.args[1] ? sub(e.args[1]) : undefined;
      if (typeof cidr?.literal !== 'string')
        return unsupported(
          'ipv4_is_in_range with a computed range',
          'the range is parsed from a literal',
          e.span,
        );
      const range = ipv4Range(cidr.literal);
      const ip = ipv4Int(d, str(0));
      return out(
        range
          ? `CASE WHEN ${ip} IS NULL THEN NULL ELSE ${inRangeSql(ip, range)} END`
          : 'CAST(NULL AS BOOLEAN)',
      );
    }
    case 'row_number': {
      // Only over a serialized (sorted) input: the SQL window needs the order the rows have in KQL.
      const order = (ctx.rel as { order?: { sql: string } }).order;
      if (!order || e.args.length > 1)
        return unsupported('function row_number', 'needs a sorted input and no restart argument', e.span);
      const start = e.args.length ? ` + ${asNumber(d, arg(0))} - 1` : '';
      return out(`(row_number() OVER (ORDER BY ${order.sql})${start})`);
    }
    case 'prev':
    case 'next': {
      // prev(x [, offset [, default]]): x on the row `offset` before (after) this one, in the sort order.
      const order = (ctx.rel as { order?: { sql: string } }).order;
      const off = e.args[1];
      if (!order || (off && (off.kind !== 'Literal' || typeof off.value !== 'number')))
        return unsupported(`function ${e.fn}`, 'needs a sorted input and a literal offset', e.span);
      const k = off?.kind === 'Literal' ? Number(off.value) : 1;
      const dflt = e.args.length > 2 ? `, ${materialize(d, arg(2))}` : '';
      const fn = e.fn === 'prev' ? 'lag' : 'lead';
      return out(`${fn}(${materialize(d, arg(0))}, ${k}${dflt}) OVER (ORDER BY ${order.sql})`);
    }
    case 'row_cumsum': {
      // Running sum in the sort order; a null term adds nothing (the in-memory engine adds 0).
      const order = (ctx.rel as { order?: { sql: string } }).order;
      if (!order || e.args.length > 1)
        return unsupported('function row_cumsum', 'needs a sorted input and no restart argument', e.span);
      const sum = `sum(coalesce(${asNumber(d, arg(0))}, 0)) OVER (ORDER BY ${order.sql} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`;
      return out(e.type === 'long' || e.type === 'int' ? `CAST(${sum} AS BIGINT)` : `CAST(${sum} AS DOUBLE)`);
    }
    default:
      return unsupported(`function ${e.fn}`, 'not compiled to SQL', e.span);
  }
}

function partOf(e: Call, i: number): string {
  const a = e.args[i];
  const p =
    a?.kind === 'Literal' && typeof a.value === 'string' ? dateParts[a.value.toLowerCase()] : undefined;
  if (!p || p === 'week' || p === 'quarter' || p === 'microsecond')
    return unsupported(
      `${e.fn}`,
      'the date part must be a literal year/month/day/hour/minute/second/millisecond',
      e.span,
    );
  return p;
}

/** A value converted to the SQL representation of the call's result type (iff/case/coalesce branches). */
function typed(ctx: ScalarCtx, v: SqlValue, t: Call['type']): string {
  const { d } = ctx;
  if (t === 'dynamic') return asJson(d, v);
  if (t === 'string') return v.type === 'string' && !v.path ? v.sql : `coalesce(${asText(d, v)}, '')`;
  if (isNumeric(t) && (v.path || v.type === 'dynamic')) return asNumber(d, v);
  if (t === 'datetime' && v.type !== 'datetime') return `TRY_CAST(${asText(d, v)} AS TIMESTAMP)`;
  return materialize(d, v);
}

/** Number of capture groups of an RE2 pattern (non-capturing `(?:` and escaped parens excluded). */
export function countGroups(re: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      if (re[i + 1] !== '?' || re.startsWith('(?P<', i) || re.startsWith('(?<', i)) n++;
    }
  }
  return n;
}

export { kqlDatetimeText };
