import { el } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

// A grouped bar chart drawn as SVG (no chart library: a few dozen bars need none), with the same figures as a table
// for screen readers and keyboard users. series: [{ name, values: number[], className }].
export function barChart({ title, labels, series, format = (v) => String(v) }) {
  const width = 420;
  const height = 190;
  const pad = { left: 60, right: 8, top: 12, bottom: 30 };
  const values = series.flatMap((s) => s.values.filter((v) => v !== null && v !== undefined).map(Number));
  const max = Math.max(1, ...values);
  const plotWidth = width - pad.left - pad.right;
  const plotHeight = height - pad.top - pad.bottom;
  const group = plotWidth / Math.max(1, labels.length);
  const bar = Math.max(1, Math.min(40, (group * 0.8) / series.length));
  const inset = (group - bar * series.length) / 2;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, class: 'chart' });
  for (const tick of [0, 0.5, 1]) {
    const y = pad.top + plotHeight * (1 - tick);
    chart.append(svg('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }));
    chart.append(svg('text', { x: pad.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, format(max * tick)));
  }
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = Number(s.values[i] ?? 0);
      const h = (v / max) * plotHeight;
      const rect = svg('rect', {
        x: pad.left + i * group + inset + j * bar, y: pad.top + plotHeight - h, width: bar, height: Math.max(h, v > 0 ? 1 : 0),
        class: `bar ${s.className ?? ''}`,
      });
      rect.append(svg('title', {}, `${s.name} ${label}: ${format(v)}`));
      chart.append(rect);
    });
    if (labels.length <= 12 || i % Math.ceil(labels.length / 12) === 0)
      chart.append(svg('text', { x: pad.left + i * group + group / 2, y: height - 8, 'text-anchor': 'middle', class: 'axis' }, label));
  });
  const legend = el('ul', { class: 'legend' }, series.map((s) => el('li', {}, el('span', { class: `swatch ${s.className ?? ''}`, 'aria-hidden': 'true' }), s.name)));
  const table = el('table', {},
    el('caption', {}, title),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'When'), series.map((s) => el('th', { scope: 'col' }, s.name)))),
    el('tbody', {}, labels.map((label, i) => el('tr', {}, el('th', { scope: 'row' }, label), series.map((s) => el('td', { class: 'num' }, s.values[i] === null || s.values[i] === undefined ? '—' : format(s.values[i])))))));
  return el('figure', { class: 'figure' },
    el('figcaption', {}, title),
    chart,
    legend,
    el('details', {}, el('summary', {}, 'Figures as a table'), el('div', { class: 'scroll' }, table)));
}
