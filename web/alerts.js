import { getJson, query } from './api.js';
import { go } from './app.js';
import { h, mount, severityBadge } from './dom.js';

const severities = ['critical', 'high', 'medium', 'low', 'informational'];

/** Technique ids of an alert's rule (`T1609`, `T1611.001`). */
export function techniques(rule) {
  const out = [];
  for (const t of rule.threat ?? [])
    for (const x of t.techniques ?? []) {
      out.push(x.name ? `${x.id} ${x.name}` : x.id);
      for (const s of x.subtechniques ?? []) out.push(s.id);
    }
  return out;
}

const tactics = (rule) => (rule.threat ?? []).map((t) => t.tactic?.name).filter(Boolean);

/** Entity chips; users pivot to their timeline. */
export function entityList(entities) {
  const items = [];
  for (const [kind, values] of Object.entries(entities ?? {})) {
    for (const v of values ?? []) {
      if (kind === 'users')
        items.push(
          h(
            'button',
            {
              class: 'chip user-link',
              title: 'Timeline of this user',
              onclick: () => go('timeline', { user: v }),
            },
            v,
          ),
        );
      else items.push(h('span', { class: 'chip', title: kind }, `${kind}: ${v}`));
    }
  }
  return h('span', { class: 'entities' }, items);
}

function detail(a) {
  const r = a.rule;
  return h(
    'section',
    { class: 'detail', id: 'alert-detail' },
    h('h2', {}, severityBadge(a.rule.severity), ' ', a.message ?? r.name),
    r.description ? h('p', {}, r.description) : null,
    h('dl', {}, [
      h('dt', {}, 'Rule'),
      h('dd', {}, `${r.name} (${r.language}, ${r.id})`),
      h('dt', {}, 'Time'),
      h('dd', {}, a['@timestamp']),
      h('dt', {}, 'ATT&CK'),
      h('dd', {}, [...tactics(r), ...techniques(r)].join(' · ') || '—'),
      h('dt', {}, 'Entities'),
      h('dd', {}, entityList(a.entities)),
      r.file ? h('dt', {}, 'Rule file') : null,
      r.file ? h('dd', {}, `${r.file}:${r.line ?? 1}`) : null,
    ]),
    h('h3', {}, 'Investigation guide'),
    h('div', { class: 'guide' }, r.note ? r.note : 'This rule has no investigation guide.'),
    a.event?.original ? h('h3', {}, 'Event') : null,
    a.event?.original ? h('pre', { class: 'raw' }, a.event.original) : null,
  );
}

export async function renderAlerts(main) {
  const sev = h(
    'select',
    { id: 'f-severity' },
    h('option', { value: '' }, 'any severity'),
    severities.map((s) => h('option', { value: s }, s)),
  );
  const rule = h('input', { id: 'f-rule', placeholder: 'rule', size: 18 });
  const user = h('input', { id: 'f-user', placeholder: 'user', size: 18 });
  const since = h('input', { id: 'f-since', placeholder: 'since (ISO time)', size: 20 });
  const list = h('div', { class: 'list' });
  const side = h('div', { class: 'side' }, h('p', { class: 'muted' }, 'Select an alert to see its guide.'));
  const load = async () => {
    const r = await getJson(
      `/api/alerts${query({ severity: sev.value, rule: rule.value.trim(), user: user.value.trim(), since: since.value.trim() })}`,
    );
    if (r.error) return mount(list, h('p', { class: 'error' }, r.error));
    if (!r.alerts.length) return mount(list, h('p', { class: 'muted' }, 'No alerts match.'));
    const rows = r.alerts.map((a) =>
      h(
        'tr',
        {
          class: 'alert-row',
          tabindex: 0,
          onclick: () => mount(side, detail(a)),
          onkeydown: (e) => e.key === 'Enter' && mount(side, detail(a)),
        },
        h('td', {}, a['@timestamp']),
        h('td', {}, severityBadge(a.rule.severity)),
        h('td', { class: 'rule-name' }, a.rule.name),
        h(
          'td',
          {},
          techniques(a.rule)
            .map((t) => t.split(' ')[0])
            .join(', '),
        ),
        h('td', {}, entityList({ users: a.entities?.users, namespaces: a.entities?.namespaces })),
      ),
    );
    mount(
      list,
      h(
        'table',
        { class: 'grid', id: 'alerts-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Time', 'Severity', 'Rule', 'ATT&CK', 'Entities'].map((c) => h('th', {}, c)),
          ),
        ),
        h('tbody', {}, rows),
      ),
      h('p', { class: 'muted' }, `${r.alerts.length} shown of ${r.total}`),
    );
  };
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        load();
      },
    },
    sev,
    rule,
    user,
    since,
    h('button', { type: 'submit' }, 'Filter'),
  );
  mount(main, h('h1', {}, 'Alerts'), form, h('div', { class: 'split' }, list, side));
  await load();
}
