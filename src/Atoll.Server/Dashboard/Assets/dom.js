// Building DOM without HTML strings: every value becomes a text node, so data can never turn into markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'class') node.className = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = Number(bytes);
  let unit = 0;
  while (n >= 1000 && unit < units.length - 1) { n /= 1000; unit++; }
  return `${unit === 0 ? n : n.toFixed(1)} ${units[unit]}`;
}

export function formatNumber(n) {
  return typeof n === 'bigint' ? n.toString() : Number(n).toLocaleString('en-US');
}

// A labelled form field: <label> tied to its control by id.
let nextId = 0;
export function field(label, control, hint) {
  const id = control.id || (control.id = `f${++nextId}`);
  const hintNode = hint ? el('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintNode) control.setAttribute('aria-describedby', hintNode.id);
  return el('div', { class: 'field' }, el('label', { for: id }, label), control, hintNode);
}

// A scrollable region reachable by keyboard (tabindex) with a name for screen readers.
export function scroller(label, child) {
  return el('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': label }, child);
}
