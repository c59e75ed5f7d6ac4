import { getJson } from './api.js';
import { entityList } from './alerts.js';
import { h, mount, severityBadge } from './dom.js';

export async function renderIncidents(main) {
  mount(main, h('h1', {}, 'Incidents'), h('p', { class: 'muted' }, 'Loading…'));
  const r = await getJson('/api/incidents');
  if (r.error) return mount(main, h('h1', {}, 'Incidents'), h('p', { class: 'error' }, r.error));
  const cards = r.incidents.map((i) =>
    h(
      'article',
      { class: 'incident' },
      h('h2', {}, severityBadge(i.severity), ' ', i.title),
      h('p', { class: 'muted' }, `${i.start} → ${i.end} · ${i.alerts.length} alert(s) · risk ${i.riskScore}`),
      i.tactics.length ? h('p', {}, `Tactics: ${i.tactics.join(', ')}`) : null,
      i.techniques.length ? h('p', {}, `Techniques: ${i.techniques.join(', ')}`) : null,
      i.links.length ? h('p', {}, `Linked by: ${i.links.join(', ')}`) : null,
      entityList(i.entities),
      h(
        'ol',
        { class: 'story' },
        i.timeline.map((t) =>
          h(
            'li',
            {},
            h('span', { class: 'muted' }, t.time),
            ' ',
            severityBadge(t.severity),
            ' ',
            t.rule,
            ' — ',
            t.summary,
          ),
        ),
      ),
    ),
  );
  mount(
    main,
    h('h1', {}, 'Incidents'),
    cards.length ? cards : h('p', { class: 'muted' }, 'No incidents yet.'),
  );
}
