import { el, field } from './dom.js';
import { api, session, ApiError } from './api.js';

export function signInPage(main, done) {
  const token = el('input', { type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', name: 'token' });
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el('form', {
    class: 'card narrow',
    onsubmit: async (event) => {
      event.preventDefault();
      error.textContent = '';
      session.signIn(token.value.trim());
      try {
        session.info = (await api('GET', '/client/v4/dashboard/session')).result;
        token.value = '';
        done();
      } catch (e) {
        session.signOut();
        error.textContent = e instanceof ApiError ? `${e.message} (code ${e.code})` : String(e.message ?? e);
      }
    },
  },
  el('h1', {}, 'Sign in'),
  el('p', {}, 'Paste an API token. It stays in this browser tab only and is sent as an Authorization header.'),
  field('API token', token, 'The admin token is in <data>/admin-token; account tokens come from POST /client/v4/accounts/{id}/tokens.'),
  el('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  error);
  main.append(form);
  token.focus();
}
