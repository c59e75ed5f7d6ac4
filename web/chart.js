// SVG charts for `render`: a line chart (timechart, linechart, areachart) or bars (columnchart,
// barchart, piechart shown as bars). No chart library; labels are text nodes.

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

const numeric = (t) => ['long', 'int', 'real', 'decimal'].includes(t);
const palette = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/** The chart for a hunt result, or null when its shape cannot be drawn. */
export function renderChart(kind, columns, rows) {
  const W = 760;
  const H = 280;
  const pad = { l: 56, r: 16, t: 16, b: 48 };
  const nums = columns.filter((c) => numeric(c.type));
  if (!nums.length || !rows.length) return null;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    id: 'chart',
    role: 'img',
    'aria-label': kind,
  });
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const axis = (max) => {
    svg.appendChild(s('line', { x1: pad.l, y1: pad.t + ih, x2: pad.l + iw, y2: pad.t + ih, class: 'axis' }));
    svg.appendChild(s('line', { x1: pad.l, y1: pad.t, x2: pad.l, y2: pad.t + ih, class: 'axis' }));
    for (let i = 0; i <= 4; i++) {
      const y = pad.t + ih - (ih * i) / 4;
      svg.appendChild(
        s(
          'text',
          { x: pad.l - 6, y: y + 4, 'text-anchor': 'end', class: 'tick' },
          +((max * i) / 4).toPrecision(3),
        ),
      );
    }
  };
  if (/time|line|area/.test(kind)) {
    const x = columns.find((c) => c.type === 'datetime');
    if (!x) return null;
    const split = columns.find((c) => c.type === 'string');
    const y = nums[0];
    const series = new Map();
    for (const r of rows) {
      const key = split ? String(r[split.name] ?? '') : y.name;
      if (!series.has(key)) series.set(key, []);
      series.get(key).push([Date.parse(r[x.name]), Number(r[y.name] ?? 0)]);
    }
    const pts = [...series.values()].flat();
    const x0 = Math.min(...pts.map((p) => p[0]));
    const x1 = Math.max(...pts.map((p) => p[0]));
    const max = Math.max(1, ...pts.map((p) => p[1]));
    axis(max);
    const px = (t) => pad.l + (x1 === x0 ? iw / 2 : ((t - x0) / (x1 - x0)) * iw);
    const py = (v) => pad.t + ih - (v / max) * ih;
    let i = 0;
    for (const [name, ps] of series) {
      ps.sort((a, b) => a[0] - b[0]);
      const color = palette[i % palette.length];
      svg.appendChild(
        s('polyline', {
          points: ps.map((p) => `${px(p[0])},${py(p[1])}`).join(' '),
          fill: 'none',
          stroke: color,
          'stroke-width': 2,
        }),
      );
      svg.appendChild(
        s('text', { x: pad.l + 8 + (i % 4) * 180, y: H - 8, fill: color, class: 'legend' }, name),
      );
      i++;
    }
    svg.appendChild(
      s('text', { x: pad.l, y: pad.t + ih + 16, class: 'tick' }, new Date(x0).toISOString().slice(0, 16)),
    );
    svg.appendChild(
      s(
        'text',
        { x: pad.l + iw, y: pad.t + ih + 16, 'text-anchor': 'end', class: 'tick' },
        new Date(x1).toISOString().slice(0, 16),
      ),
    );
    return svg;
  }
  const label = columns.find((c) => !numeric(c.type)) ?? columns[0];
  const y = nums[0];
  const data = rows.slice(0, 40).map((r) => [String(r[label.name] ?? ''), Number(r[y.name] ?? 0)]);
  const max = Math.max(1, ...data.map((d) => d[1]));
  axis(max);
  const bw = Math.min(iw / data.length, 90);
  const maxChars = Math.max(4, Math.floor(bw / 7));
  data.forEach(([name, v], i) => {
    const bh = (v / max) * ih;
    const rect = s('rect', {
      x: pad.l + i * bw + 2,
      y: pad.t + ih - bh,
      width: Math.max(1, bw - 4),
      height: bh,
      fill: palette[0],
      class: 'bar',
    });
    rect.appendChild(s('title', {}, `${name}: ${v}`));
    svg.appendChild(rect);
    svg.appendChild(
      s(
        'text',
        { x: pad.l + i * bw + bw / 2, y: pad.t + ih + 14, 'text-anchor': 'middle', class: 'tick' },
        name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name,
      ),
    );
  });
  return svg;
}
