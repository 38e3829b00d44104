// The API token, when the collector wants one. It is kept for this tab only
// (sessionStorage): closing the tab forgets it. A request answered 401 opens the sign-in
// dialog and waits for a token, then is retried; every caller waits on the same dialog.
import { h } from './dom.js';

const TOKEN_KEY = 'stance.apiToken';

/** Headers that authenticate a request (empty when no token was given). */
export function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

let pending;

/** Resolves once the user gave a token (after a 401). `rejected`: the previous token was refused. */
export function askForToken(rejected) {
  pending ??= new Promise((resolve) => {
    const input = h('input', { id: 'api-token', name: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
    const form = h(
      'form',
      { method: 'dialog', class: 'sign-in' },
      h('h2', { id: 'sign-in-title' }, 'API token required'),
      h('p', {}, 'This collector asks for an API token (a read token to look, an admin token to manage exceptions). It is kept for this tab only.'),
      rejected ? h('p', { class: 'form-msg', role: 'alert' }, 'That token was not accepted.') : null,
      h('label', { for: 'api-token' }, 'Token'),
      input,
      h('button', { type: 'submit', class: 'button' }, 'Sign in'),
    );
    const dialog = h('dialog', { 'aria-labelledby': 'sign-in-title' }, form);
    dialog.addEventListener('cancel', (e) => e.preventDefault()); // nothing works without it
    form.addEventListener('submit', () => {
      setToken(input.value.trim());
      dialog.close();
      dialog.remove();
      pending = undefined;
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
  return pending;
}
