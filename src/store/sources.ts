import { ingest } from '../ingest/index.js';
import type { KType } from '../ir/query.js';
import type { AuditEvent } from '../model/event.js';
import { listTables } from '../views/tables/index.js';

/**
 * What the store needs from the other layers, written against their contracts so the store can be
 * built and tested on its own: a table view (`src/views/tables/`) turns an event into one row of a
 * KQL table; an event reader (`src/ingest/`) turns a file into events.
 */
export interface TableViewLike {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: KType }[];
  accepts(ev: AuditEvent): boolean;
  row(ev: AuditEvent): Readonly<Record<string, unknown>>;
}

/** A record ingest could not turn into an event (mirrors `src/ingest/types.ts` QuarantineRecord). */
export interface QuarantinedLike {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly message: string;
  readonly record: string;
}

export interface EventSinkLike {
  event(ev: AuditEvent): void;
  quarantine(q: QuarantinedLike): void;
}

/** Reads one input file, delivering events and quarantined records to the sink. */
export type FileReader = (path: string, sink: EventSinkLike) => Promise<void>;

/** The table views of the product (`src/views/tables/`). */
export async function defaultTableViews(): Promise<readonly TableViewLike[]> {
  return listTables();
}

/** The product's reader for every log format (`src/ingest/`). */
export async function defaultFileReader(): Promise<FileReader> {
  return async (path, sink) => {
    await ingest([path], sink);
  };
}
