import { el } from './dom.js';
import { ApiError } from './api.js';

// Asks through the page's <dialog> (focus moves into it, Escape cancels); resolves true only on Confirm.
export function confirmAction(text, okLabel = 'Confirm') {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = okLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

export function announce(text) {
  document.getElementById('status').textContent = text;
}

// An error in D1's own words, with its code: rendered as text, never as markup.
export function errorBox(error) {
  if (error instanceof ApiError)
    return el('div', { class: 'error', role: 'alert' }, el('strong', {}, `Error ${error.code}: `), error.message,
      error.status ? el('span', { class: 'muted' }, ` (HTTP ${error.status})`) : null);
  return el('div', { class: 'error', role: 'alert' }, String(error?.message ?? error));
}
