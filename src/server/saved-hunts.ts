import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Detection } from '../detect/detection.js';
import { kustoLoader } from '../detect/kusto/kusto-loader.js';
import type { Diagnostic } from '../diag/diagnostic.js';
import { writeAtomic } from './wal.js';

export interface SavedHunt {
  readonly name: string;
  readonly description: string;
  readonly query: string;
  /** From the built-in pack (read-only) rather than the data directory. */
  readonly builtin: boolean;
}

const nameOk = (n: string): boolean => /^[\w.-]{1,80}$/.test(n) && !n.startsWith('.');

/** Header lines (`// key: value`) and the query after them. */
function splitKql(text: string): { header: Record<string, string>; query: string } {
  const header: Record<string, string> = {};
  const lines = text.split('\n');
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^\/\/\s*([\w-]+):\s?(.*)$/.exec(lines[i] ?? '');
    if (!m) {
      if ((lines[i] ?? '').startsWith('//')) continue;
      break;
    }
    header[m[1]!.toLowerCase()] = m[2]!.trim();
  }
  return { header, query: lines.slice(i).join('\n').trim() };
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').trim();

/**
 * Saved hunts (`.kql` files with a `// name:` / `// description:` header) under `<data>/hunts`,
 * plus the built-in pack's hunts, read-only. The file shape is `auditscope hunt --file`'s.
 * @example const hunts = new SavedHunts('/var/lib/auditscope', 'rules/hunts'); hunts.save('x', 'AKSAudit | count', '')
 */
export class SavedHunts {
  private readonly dir: string;
  constructor(
    dataDir: string,
    private readonly builtinDir?: string,
  ) {
    this.dir = join(dataDir, 'hunts');
  }

  list(): SavedHunt[] {
    const out: SavedHunt[] = [];
    const read = (dir: string, builtin: boolean): void => {
      if (!existsSync(dir)) return;
      for (const f of readdirSync(dir).sort()) {
        if (!f.endsWith('.kql')) continue;
        const { header, query } = splitKql(readFileSync(join(dir, f), 'utf8'));
        out.push({
          name: f.slice(0, -4),
          description: header.description ?? header.title ?? '',
          query,
          builtin,
        });
      }
    };
    read(this.dir, false);
    if (this.builtinDir) read(this.builtinDir, true);
    return out;
  }

  get(name: string): SavedHunt | undefined {
    return this.list().find((h) => h.name === name);
  }

  /** Saves (or replaces) a hunt; returns an error message for a bad name. */
  save(name: string, query: string, description: string): string | undefined {
    if (!nameOk(name)) return 'name: letters, digits, ".", "_" and "-" only (at most 80)';
    if (!query.trim()) return 'query: empty';
    mkdirSync(this.dir, { recursive: true });
    const head = `// name: ${name}\n${description ? `// description: ${oneLine(description)}\n` : ''}`;
    writeAtomic(join(this.dir, `${name}.kql`), `${head}${query.trim()}\n`);
    return undefined;
  }
}

export interface ScheduleRequest {
  readonly name: string;
  readonly query: string;
  readonly description?: string;
  readonly severity?: string;
  readonly frequency?: string;
  readonly period?: string;
}

/**
 * Turns a hunt into a scheduled KQL detection: a `.kql` rule file (`// severity:`, `// frequency:`,
 * `// period:` header, see detect/kusto/kusto-rule.ts) under `<data>/detections`, loaded by the
 * Kusto loader exactly as `--rules` would load it. The file is written only when it loads cleanly.
 * @example scheduleHunt(dataDir, { name: 'exec', query: 'CloudAuditEvents | where ...', severity: 'high', frequency: '5m', period: '1h' })
 */
export async function scheduleHunt(
  dataDir: string,
  req: ScheduleRequest,
): Promise<{ detection?: Detection; diagnostics: readonly Diagnostic[]; file: string }> {
  const file = join(dataDir, 'detections', `${req.name}.kql`);
  if (!nameOk(req.name))
    return {
      file,
      diagnostics: [
        { code: 'SRV001', severity: 'error', message: 'name: letters, digits, ".", "_" and "-" only' },
      ],
    };
  const severity = (req.severity ?? 'medium').toLowerCase();
  if (!['informational', 'low', 'medium', 'high', 'critical'].includes(severity))
    return {
      file,
      diagnostics: [{ code: 'SRV002', severity: 'error', message: `severity: unknown '${severity}'` }],
    };
  const text =
    `// name: ${oneLine(req.name)}\n// id: hunt-${req.name}\n// severity: ${severity}\n` +
    `// frequency: ${oneLine(req.frequency ?? '5m')}\n// period: ${oneLine(req.period ?? '1h')}\n` +
    (req.description ? `// description: ${oneLine(req.description)}\n` : '') +
    `${req.query.trim()}\n`;
  const r = await kustoLoader.load(file, text);
  const detection = r.detections[0];
  if (!detection || r.diagnostics.some((d) => d.severity === 'error'))
    return { file, diagnostics: r.diagnostics };
  mkdirSync(join(dataDir, 'detections'), { recursive: true });
  writeAtomic(file, text);
  return { detection, diagnostics: r.diagnostics, file };
}
