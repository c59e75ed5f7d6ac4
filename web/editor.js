// A KQL editor: a textarea with completion from /api/schema (tables, the columns of the tables the
// query names, RawEventData paths after `RawEventData.`, operators and functions). Not Monaco: see
// docs/serve.md for why.

import { h } from './dom.js';

const operators = [
  'where',
  'project',
  'project-away',
  'project-rename',
  'extend',
  'summarize',
  'count',
  'take',
  'limit',
  'top',
  'sort by',
  'order by',
  'distinct',
  'join kind=inner',
  'union',
  'mv-expand',
  'parse',
  'render timechart',
  'render columnchart',
  'render barchart',
  'render piechart',
  'make-series',
  'let',
  'has',
  'has_any',
  'contains',
  'startswith',
  'in',
  '!in',
  'between',
  'and',
  'or',
  'not',
  'by',
  'bin',
  'ago',
  'now',
  'tostring',
  'toint',
  'todynamic',
  'parse_json',
  'count()',
  'dcount',
  'make_set',
  'make_list',
  'arg_max',
  'min',
  'max',
  'sum',
  'avg',
  'countif',
  'iff',
  'isnotempty',
  'isempty',
  'strcat',
  'split',
  'extract',
  'datetime',
  'timespan',
  'format_datetime',
  'array_length',
];

/** Completion candidates for the word before the caret. */
export function suggestions(schema, text, caret) {
  const before = text.slice(0, caret);
  const m = /([A-Za-z_][\w.-]*)?$/.exec(before);
  const word = m?.[1] || '';
  if (!word) return { word, items: [] };
  const lower = word.toLowerCase();
  if (/^RawEventData\./.test(word)) {
    const path = word.slice('RawEventData.'.length).toLowerCase();
    return {
      word,
      items: schema.rawEventDataPaths
        .filter((p) => p.toLowerCase().startsWith(path))
        .slice(0, 40)
        .map((p) => ({ label: `RawEventData.${p}`, detail: 'path' })),
    };
  }
  const named = schema.tables.filter((t) => new RegExp(`\\b${t.name}\\b`).test(text));
  const colTables = named.length ? named : schema.tables.filter((t) => t.name === 'CloudAuditEvents');
  const items = [];
  const seen = new Set();
  const add = (label, detail) => {
    if (seen.has(label) || !label.toLowerCase().startsWith(lower) || label === word) return;
    seen.add(label);
    items.push({ label, detail });
  };
  for (const t of colTables) for (const c of t.columns) add(c.name, `${c.type} · ${t.name}`);
  for (const t of schema.tables) add(t.name, 'table');
  for (const o of operators) add(o, 'kql');
  return { word, items: items.slice(0, 40) };
}

/**
 * Creates the editor. `onRun` is called on Ctrl/Cmd+Enter.
 * @returns {{ el: HTMLElement, textarea: HTMLTextAreaElement, setSchema(s): void, select(start, end): void }}
 */
export function createEditor({ value = '', onRun }) {
  let schema = { tables: [], rawEventDataPaths: [] };
  let items = [];
  let active = 0;
  let word = '';
  const textarea = h('textarea', {
    id: 'kql',
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    rows: 9,
    'aria-label': 'KQL query',
  });
  textarea.value = value;
  const list = h('ul', { class: 'completions', id: 'completions', role: 'listbox', hidden: true });

  const close = () => {
    list.hidden = true;
    items = [];
  };
  const accept = (i) => {
    const it = items[i];
    if (!it) return;
    const caret = textarea.selectionStart;
    const start = caret - word.length;
    textarea.setRangeText(it.label, start, caret, 'end');
    close();
    textarea.focus();
  };
  const show = () => {
    const r = suggestions(schema, textarea.value, textarea.selectionStart);
    items = r.items;
    word = r.word;
    active = 0;
    list.replaceChildren(
      ...items.map((it, i) =>
        h(
          'li',
          {
            role: 'option',
            class: i === active ? 'active' : '',
            onmousedown: (e) => {
              e.preventDefault();
              accept(i);
            },
          },
          h('span', { class: 'label' }, it.label),
          h('span', { class: 'kind' }, it.detail),
        ),
      ),
    );
    list.hidden = items.length === 0;
  };
  const highlight = () => {
    for (const [i, li] of [...list.children].entries()) li.classList.toggle('active', i === active);
    list.children[active]?.scrollIntoView({ block: 'nearest' });
  };
  textarea.addEventListener('input', show);
  textarea.addEventListener('blur', () => setTimeout(close, 100));
  textarea.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
      e.preventDefault();
      close();
      onRun();
      return;
    }
    if (e.ctrlKey && e.key === ' ') {
      e.preventDefault();
      show();
      return;
    }
    if (list.hidden) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      highlight();
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(active);
    } else if (e.key === 'Escape') close();
  });
  return {
    el: h('div', { class: 'editor' }, textarea, list),
    textarea,
    setSchema(s) {
      schema = s;
    },
    select(start, end) {
      textarea.focus();
      textarea.setSelectionRange(start, Math.max(start + 1, end));
    },
  };
}
