import { el, scroller } from './dom.js';

const HEX_PREVIEW = 32;

// One cell, typed: integers (exact, BigInt beyond 2^53), reals, text, NULL, and BLOBs (arrays of bytes) as hex + size.
export function cell(value) {
  if (value === null || value === undefined) return el('td', { class: 'null' }, 'NULL');
  if (typeof value === 'bigint') return el('td', { class: 'int', title: 'integer' }, value.toString());
  if (typeof value === 'number')
    return Number.isInteger(value) ? el('td', { class: 'int', title: 'integer' }, String(value)) : el('td', { class: 'real', title: 'real' }, String(value));
  if (Array.isArray(value)) {
    const hex = value.slice(0, HEX_PREVIEW).map((b) => Number(b).toString(16).padStart(2, '0')).join(' ');
    return el('td', { class: 'blob', title: 'blob' }, el('span', { class: 'hex' }, hex + (value.length > HEX_PREVIEW ? ' …' : '')),
      el('span', { class: 'size' }, ` (${value.length} bytes)`));
  }
  if (typeof value === 'object') return el('td', {}, JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
  return el('td', { class: 'text' }, String(value));
}

export function resultGrid(columns, rows, label) {
  if (columns.length === 0) return el('p', { class: 'muted' }, 'No columns (the statement returns no rows).');
  const table = el('table', { class: 'grid' },
    el('caption', { class: 'visually-hidden' }, label),
    el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, rows.map((row) => el('tr', {}, row.map(cell)))));
  return scroller(label, table);
}
