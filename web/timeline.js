import { getJson, query } from './api.js';
import { go } from './app.js';
import { h, mount } from './dom.js';

export async function renderTimeline(main, params) {
  const user = h('input', {
    id: 'timeline-user',
    placeholder: 'user, service account or caller',
    size: 40,
    value: params.user ?? '',
  });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        go('timeline', { user: user.value.trim() });
      },
    },
    user,
    h('button', { type: 'submit' }, 'Show'),
  );
  const out = h('div', {});
  mount(main, h('h1', {}, params.user ? `Timeline of ${params.user}` : 'Timeline'), form, out);
  if (!params.user) return;
  const r = await getJson(`/api/timeline${query({ user: params.user })}`);
  if (r.error) return mount(out, h('p', { class: 'error' }, r.error));
  if (!r.rows.length) return mount(out, h('p', { class: 'muted' }, 'No events of this user in memory.'));
  const cols = ['time', 'source', 'action', 'target', 'outcome', 'ip', 'userAgent'];
  mount(
    out,
    h(
      'table',
      { class: 'grid', id: 'timeline-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => h('th', {}, c)),
        ),
      ),
      h(
        'tbody',
        {},
        r.rows.map((row) =>
          h(
            'tr',
            {},
            cols.map((c) => h('td', {}, row[c] ?? '')),
            row.count > 1 ? h('td', {}, `×${row.count}`) : null,
          ),
        ),
      ),
    ),
    h('p', { class: 'muted' }, `${r.rows.length} event(s), oldest first`),
  );
}
