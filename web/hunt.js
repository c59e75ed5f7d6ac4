import { getJson, postJson } from './api.js';
import { go } from './app.js';
import { renderChart } from './chart.js';
import { cellText, h, mount } from './dom.js';
import { createEditor } from './editor.js';

const sample = `CloudAuditEvents
| where OperationName in ("create", "delete", "patch")
| extend User = tostring(RawEventData.User.username), Resource = tostring(RawEventData.ObjectRef.resource)
| summarize Requests = count() by User, Resource
| order by Requests desc`;

/** Columns whose values name a person or identity: their cells pivot to the timeline. */
const userColumn = (name) => /user|account|actor|caller|identity|principal|upn/i.test(name);

let lastQuery = sample;

export async function renderHunt(main, params) {
  const results = h('div', { class: 'results', id: 'results' });
  const message = h('p', { class: 'message', id: 'hunt-message', role: 'status' });
  const diags = h('ul', { class: 'diagnostics', id: 'diagnostics' });
  const now = h('input', { id: 'hunt-now', placeholder: 'now (ISO time, optional)', size: 24 });
  const name = h('input', { id: 'hunt-name', placeholder: 'hunt name', size: 20, value: params.name ?? '' });
  const severity = h(
    'select',
    { id: 'hunt-severity' },
    ['medium', 'high', 'critical', 'low', 'informational'].map((s) => h('option', { value: s }, s)),
  );
  const frequency = h('input', { id: 'hunt-frequency', value: '5m', size: 4, title: 'frequency' });
  const period = h('input', { id: 'hunt-period', value: '1h', size: 4, title: 'look-back' });
  const saved = h('select', { id: 'saved-hunts' }, h('option', { value: '' }, 'saved hunts…'));
  const useDb = h('input', { type: 'checkbox', id: 'hunt-db' });
  const dbToggle = h(
    'label',
    { hidden: true, title: 'Run over the DuckDB store given with --db' },
    useDb,
    ' store',
  );
  const editor = createEditor({ value: lastQuery, onRun: () => run() });

  const run = async () => {
    lastQuery = editor.textarea.value;
    message.textContent = 'Running…';
    diags.replaceChildren();
    const r = await postJson('/api/hunt', {
      query: editor.textarea.value,
      ...(now.value.trim() ? { now: now.value.trim() } : {}),
      ...(useDb.checked ? { source: 'db' } : {}),
    });
    if (r.error) {
      message.textContent = r.error;
      return;
    }
    for (const d of r.diagnostics) {
      const where = d.line ? `${d.line}:${d.col} ` : '';
      diags.appendChild(
        h(
          'li',
          {
            class: `diag diag-${d.severity}`,
            onclick: () => d.start !== undefined && editor.select(d.start, d.end),
          },
          `${where}${d.severity} ${d.code}: ${d.message}`,
          d.hint ? ` (${d.hint})` : '',
        ),
      );
    }
    const errors = r.diagnostics.some((d) => d.severity === 'error');
    message.textContent = errors
      ? 'The query has errors.'
      : `${r.rows.length} row(s) in ${r.elapsedMs} ms over ${r.source === 'db' ? 'the store' : 'the events in memory'}${r.truncated ? ' (cut)' : ''}`;
    showResults(results, r);
  };

  const loadSaved = async () => {
    const r = await getJson('/api/saved-hunts');
    if (r.error) return;
    saved.replaceChildren(
      h('option', { value: '' }, 'saved hunts…'),
      r.hunts.map((x) =>
        h('option', { value: x.name, title: x.description }, x.builtin ? `${x.name} (built-in)` : x.name),
      ),
    );
    saved.onchange = () => {
      const x = r.hunts.find((y) => y.name === saved.value);
      if (!x) return;
      editor.textarea.value = x.query;
      name.value = x.builtin ? '' : x.name;
    };
  };

  const save = async () => {
    const r = await postJson('/api/saved-hunts', { name: name.value.trim(), query: editor.textarea.value });
    message.textContent = r.error ? `Not saved: ${r.error}` : `Saved hunt '${r.saved}'.`;
    if (!r.error) await loadSaved();
  };

  const schedule = async () => {
    const n = name.value.trim();
    const s = await postJson('/api/saved-hunts', { name: n, query: editor.textarea.value });
    if (s.error) {
      message.textContent = `Not scheduled: ${s.error}`;
      return;
    }
    const r = await postJson('/api/detections', {
      hunt: n,
      severity: severity.value,
      frequency: frequency.value,
      period: period.value,
    });
    if (r.error) {
      message.textContent = `Not scheduled: ${r.error}`;
      for (const d of r.diagnostics ?? [])
        diags.appendChild(h('li', { class: `diag diag-${d.severity}` }, `${d.code}: ${d.message}`));
      return;
    }
    message.textContent = `Scheduled as detection ${r.id} (every ${frequency.value} over ${period.value}); ${r.alerts} alert(s) on the events in memory.`;
  };

  mount(
    main,
    h('h1', {}, 'Hunt'),
    h(
      'div',
      { class: 'toolbar' },
      saved,
      now,
      dbToggle,
      h('button', { id: 'run', class: 'primary', onclick: run, title: 'Ctrl+Enter' }, 'Run'),
    ),
    editor.el,
    h(
      'p',
      { class: 'muted hint' },
      'Ctrl+Enter runs · Ctrl+Space completes (tables, columns, RawEventData.<path>)',
    ),
    h(
      'div',
      { class: 'toolbar' },
      name,
      h('button', { id: 'save-hunt', onclick: save }, 'Save hunt'),
      h('span', { class: 'sep' }, '|'),
      severity,
      'every',
      frequency,
      'over',
      period,
      h('button', { id: 'schedule', onclick: schedule }, 'Schedule as detection'),
    ),
    message,
    diags,
    results,
  );
  const schema = await getJson('/api/schema');
  if (!schema.error) editor.setSchema(schema);
  dbToggle.hidden = !schema.db;
  await loadSaved();
}

function showResults(el, r) {
  if (!r.columns.length) return mount(el);
  const chart = r.render ? renderChart(r.render.chart, r.columns, r.rows) : null;
  const head = h(
    'tr',
    {},
    r.columns.map((c) => h('th', { title: c.type }, c.name, h('span', { class: 'type' }, c.type))),
  );
  const body = r.rows.slice(0, 1000).map((row) =>
    h(
      'tr',
      {},
      r.columns.map((c) => {
        const v = row[c.name];
        if (userColumn(c.name) && typeof v === 'string' && v)
          return h(
            'td',
            {},
            h(
              'button',
              {
                class: 'user-link',
                title: 'Timeline of this user',
                onclick: () => go('timeline', { user: v }),
              },
              v,
            ),
          );
        return h('td', { class: c.type === 'dynamic' ? 'dyn' : '' }, cellText(v));
      }),
    ),
  );
  mount(
    el,
    chart,
    h(
      'div',
      { class: 'grid-wrap' },
      h('table', { class: 'grid', id: 'hunt-grid' }, h('thead', {}, head), h('tbody', {}, body)),
    ),
  );
}
