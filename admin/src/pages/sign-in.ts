import { failureOf, signIn } from '../api.js';
import { errorBox, fieldsOf, h, replace } from '../dom.js';

/**
 * The sign-in form (auth.login). An account that is not an administrator is refused by the API
 * (FORBIDDEN) and signed out again at once: the page says so, with the code and request id.
 */
export function renderSignIn(root: HTMLElement, onSignedIn: () => void): void {
  const message = h('div', { class: 'message', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-label': 'Sign in' },
    h('h1', null, 'Linguamate admin'),
    h(
      'label',
      null,
      'Email',
      h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true }),
    ),
    h(
      'label',
      null,
      'Password',
      h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }),
    ),
    submit,
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { email = '', password = '' } = fieldsOf(form);
    submit.disabled = true;
    replace(message);
    try {
      await signIn(email, password);
      onSignedIn();
    } catch (error) {
      replace(
        message,
        failureOf(error).code === 'FORBIDDEN'
          ? h(
              'div',
              { class: 'refusal', 'data-refusal': 'admin-only' },
              h('h2', null, 'Administrators only'),
              h('p', null, 'This account is not an administrator. It has been signed out of the console.'),
            )
          : null,
        errorBox(error),
      );
    } finally {
      submit.disabled = false;
    }
  });
  replace(root, h('main', { class: 'centered' }, form));
}
