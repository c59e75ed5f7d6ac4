// auditscope web UI: hash routes #alerts, #incidents, #hunt, #timeline?user=...
import { getJson } from './api.js';
import { renderAlerts } from './alerts.js';
import { renderHunt } from './hunt.js';
import { renderIncidents } from './incidents.js';
import { renderTimeline } from './timeline.js';

const views = {
  alerts: renderAlerts,
  incidents: renderIncidents,
  hunt: renderHunt,
  timeline: renderTimeline,
};

/** Navigates to a view, e.g. go('timeline', { user: 'eve' }). */
export function go(view, params = {}) {
  const q = new URLSearchParams(params).toString();
  location.hash = q ? `${view}?${q}` : view;
}

function route() {
  const raw = location.hash.replace(/^#/, '') || 'alerts';
  const [name, q = ''] = raw.split('?');
  const view = Object.hasOwn(views, name) ? name : 'alerts';
  const params = Object.fromEntries(new URLSearchParams(q));
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === view);
  const main = document.getElementById('main');
  main.dataset.view = view;
  views[view](main, params);
}

async function status() {
  const s = await getJson('/api/status');
  const el = document.getElementById('status');
  if (s.error) el.textContent = s.error;
  else el.textContent = `${s.rules} rules · ${s.events} events in memory · ${s.alerts} alerts`;
}

window.addEventListener('hashchange', route);
route();
status();
