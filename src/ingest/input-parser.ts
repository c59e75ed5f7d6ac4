import { gunzipSync } from 'node:zlib';
import { emitS3ExportLine } from './cloudwatch.js';
import type { Emitter } from './emitter.js';
import { columnName, emitLaRow } from './log-analytics.js';
import { dispatch } from './sniff.js';
import { csvOpen, parseCsvRecord, splitJsonValues } from './text-split.js';

/**
 * The per-input state machine fed one line at a time. Most inputs are JSON Lines (`lines` mode):
 * each line is parsed and sniffed on its own. When the first line is not a JSON value and the
 * second is not either, the input is a whole-file JSON document (pretty-printed EventList, a
 * Log Analytics export, the Falco samples' style): lines are collected (bounded by
 * `maxDocumentBytes`) and parsed at the end. A first line that is a CSV header of a Log
 * Analytics table switches to `csv` mode.
 */
export class InputParser {
  private mode: 'start' | 'pending' | 'lines' | 'document' | 'csv' | 'skip' = 'start';
  private pendingText = '';
  private pendingLine = 0;
  private doc: string[] = [];
  private docBytes = 0;
  private header: string[] = [];
  private csvText = '';
  private csvLine = 0;

  constructor(
    private readonly em: Emitter,
    private readonly maxDocumentBytes: number,
    private readonly maxLineBytes: number,
  ) {}

  line(text: string, n: number): void {
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1); // CRLF files
    switch (this.mode) {
      case 'lines':
        this.jsonLine(text, n, false);
        return;
      case 'document':
        this.docBytes += text.length + 1;
        if (this.docBytes > this.maxDocumentBytes) {
          this.em.record();
          this.em.reject(
            this.pendingLine,
            'oversized',
            `whole-file JSON document larger than ${this.maxDocumentBytes} bytes; rest of input skipped`,
            this.doc.slice(0, 50).join('\n'),
          );
          this.doc = [];
          this.mode = 'skip';
          return;
        }
        this.doc.push(text);
        return;
      case 'csv':
        this.csvLineIn(text, n);
        return;
      case 'skip':
        return;
      case 'start':
        this.first(text, n);
        return;
      case 'pending':
        this.second(text, n);
        return;
    }
  }

  get filterable(): boolean {
    return this.mode === 'lines';
  }

  prefiltered(_n: number): void {
    this.em.prefiltered();
  }

  /** Counts and quarantines a line the reader found over the size limit. */
  oversized(n: number, prefix: string): void {
    if (this.mode === 'skip') return;
    this.em.record();
    this.em.reject(n, 'oversized', `line longer than ${this.maxLineBytes} bytes`, prefix);
  }

  end(): void {
    if (this.mode === 'pending') {
      // A single non-JSON-Lines line: maybe a document on one line that failed; report it.
      this.mode = 'lines';
      this.jsonLine(this.pendingText, this.pendingLine, false);
    } else if (this.mode === 'document') this.endDocument();
    else if (this.mode === 'csv' && this.csvText !== '') {
      this.csvRecord(this.csvText, this.csvLine);
      this.csvText = '';
    }
  }

  private first(text: string, n: number): void {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const t = text.trim();
    if (t === '') return;
    const c = t.charCodeAt(0);
    if (c === 123 || c === 91) {
      try {
        const v: unknown = JSON.parse(text);
        this.mode = 'lines';
        dispatch(this.em, v, text, n, 0);
      } catch {
        this.mode = 'pending';
        this.pendingText = text;
        this.pendingLine = n;
      }
      return;
    }
    if (t.includes(',')) {
      const names = parseCsvRecord(t).map(columnName);
      if (names.some((x) => csvMarkers.has(x))) {
        this.header = names;
        this.mode = 'csv';
        return;
      }
    }
    this.mode = 'lines';
    this.jsonLine(text, n, false);
  }

  /** Decides between JSON Lines with a bad first line and a whole-file document. */
  private second(text: string, n: number): void {
    const t = text.trim();
    if (t === '') {
      this.doc.push(text);
      return;
    }
    let standalone = false;
    const c = t.charCodeAt(0);
    if (c === 123 || c === 91) {
      try {
        JSON.parse(t);
        standalone = true;
      } catch {
        standalone = concatenatedValues(t) !== undefined;
      }
    }
    if (standalone) {
      this.mode = 'lines';
      this.jsonLine(this.pendingText, this.pendingLine, false);
      this.doc = [];
      this.jsonLine(text, n, false);
      return;
    }
    this.mode = 'document';
    this.doc = [this.pendingText, ...this.doc, text];
    this.docBytes = this.doc.reduce((s, x) => s + x.length + 1, 0);
  }

  private jsonLine(text: string, n: number, nested: boolean): void {
    const c = text.charCodeAt(0);
    if (c === 123 || c === 91) {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch (e) {
        // Several values on one line (`{…}{…}`): Firehose deliveries of CloudWatch payloads.
        const parts = concatenatedValues(text);
        if (parts) {
          for (let i = 0; i < parts.length; i++) dispatch(this.em, parts[i]!.value, parts[i]!.text, n, 0);
          return;
        }
        this.em.record();
        this.em.reject(n, 'malformed-json', (e as Error).message, text);
        return;
      }
      dispatch(this.em, v, text, n, 0);
      return;
    }
    let t = text;
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
      t = text.replace(/^\uFEFF/, '').trim();
      if (t === '') return;
      if (t.charCodeAt(0) === 123 || t.charCodeAt(0) === 91) {
        this.jsonLine(t, n, nested);
        return;
      }
    } else if (text === '') return;
    else if (text.endsWith('\r')) {
      this.jsonLine(text.slice(0, -1), n, nested);
      return;
    }
    if (!nested && t.startsWith('H4sI')) {
      this.gzipBase64(t, n);
      return;
    }
    if (t.charCodeAt(0) >= 48 && t.charCodeAt(0) <= 57 && emitS3ExportLine(this.em, t, n)) return;
    this.em.record();
    this.em.reject(n, 'malformed-json', 'not a JSON record', t);
  }

  /** A base64 gzip payload on one line (CloudWatch subscription data as Kinesis/Firehose deliver it). */
  private gzipBase64(t: string, n: number): void {
    let text: string;
    try {
      text = gunzipSync(Buffer.from(t, 'base64'), { maxOutputLength: this.maxDocumentBytes }).toString(
        'utf8',
      );
    } catch (e) {
      this.em.record();
      const limit = (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      this.em.reject(
        n,
        limit ? 'gzip-limit' : 'malformed-json',
        limit
          ? `base64 gzip payload decompresses past ${this.maxDocumentBytes} bytes`
          : `base64 gzip payload: ${(e as Error).message}`,
        t,
      );
      return;
    }
    this.values(text, n);
  }

  private endDocument(): void {
    const text = this.doc.join('\n');
    this.doc = [];
    try {
      const v: unknown = JSON.parse(text);
      dispatch(this.em, v, text, this.pendingLine, 0);
      return;
    } catch {
      // not one document: maybe several concatenated ones
    }
    const parts = splitJsonValues(text);
    const parsed: unknown[] = [];
    for (const p of parts) {
      try {
        parsed.push(JSON.parse(p.text));
      } catch {
        // Not a sequence of documents either: read it as lines after all.
        this.mode = 'lines';
        const lines = text.split('\n');
        for (let i = 0; i < lines.length; i++) this.jsonLine(lines[i]!, this.pendingLine + i, false);
        return;
      }
    }
    for (let i = 0; i < parts.length; i++)
      dispatch(this.em, parsed[i], parts[i]!.text, this.pendingLine + parts[i]!.line - 1, 0);
  }

  /** Text holding one or more JSON values (a decoded payload), all reported at line `n`. */
  private values(text: string, n: number): void {
    try {
      dispatch(this.em, JSON.parse(text), text, n, 0);
      return;
    } catch {
      // several values
    }
    for (const p of splitJsonValues(text)) {
      let v: unknown;
      try {
        v = JSON.parse(p.text);
      } catch (e) {
        this.em.record();
        this.em.reject(n, 'malformed-json', (e as Error).message, p.text);
        continue;
      }
      dispatch(this.em, v, p.text, n, 0);
    }
  }

  private csvLineIn(text: string, n: number): void {
    if (this.csvText === '') {
      if (text.trim() === '') return;
      this.csvText = text.endsWith('\r') ? text.slice(0, -1) : text;
      this.csvLine = n;
    } else this.csvText += `\n${text.endsWith('\r') ? text.slice(0, -1) : text}`;
    if (csvOpen(this.csvText)) return;
    const rec = this.csvText;
    this.csvText = '';
    this.csvRecord(rec, this.csvLine);
  }

  private csvRecord(rec: string, n: number): void {
    this.em.record();
    const fields = parseCsvRecord(rec);
    if (fields.length !== this.header.length) {
      this.em.reject(
        n,
        'malformed-csv',
        `CSV record has ${fields.length} fields, header has ${this.header.length}`,
        rec,
      );
      return;
    }
    const o: Record<string, unknown> = {};
    for (let i = 0; i < fields.length; i++) if (fields[i] !== '') o[this.header[i]!] = fields[i];
    if (!emitLaRow(this.em, o, rec, n, 0))
      this.em.reject(n, 'unknown-format', 'CSV row of no known Log Analytics table', rec);
  }
}

/** Column names that mark a CSV header as a Log Analytics export we read. */
const csvMarkers = new Set(['AuditId', 'log_s', 'OperationNameValue', 'StageReceivedTime']);

/**
 * The values of a line holding several concatenated JSON values (`{…}{…}`), or undefined when the
 * line is not exactly that (only tried after JSON.parse of the whole line failed).
 */
function concatenatedValues(text: string): { value: unknown; text: string }[] | undefined {
  if (!text.includes('}{') && !text.includes('} {')) return undefined;
  const parts = splitJsonValues(text);
  if (parts.length < 2) return undefined;
  const out: { value: unknown; text: string }[] = [];
  for (const p of parts) {
    try {
      out.push({ value: JSON.parse(p.text), text: p.text });
    } catch {
      return undefined;
    }
  }
  return out;
}
