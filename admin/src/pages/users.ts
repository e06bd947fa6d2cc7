import { api } from '../api.js';
import type { UserListItem } from '../api-types.js';
import { errorBox, fieldsOf, formatTime, h, replace, table } from '../dom.js';
import type { Page } from '../page.js';

/** Search (admin.users.search) with a results table and cursor paging ("More"). */
export const usersPage: Page = (root) => {
  const results = h('div', { class: 'results' });
  const form = h(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Search users' },
    h('input', { type: 'search', name: 'query', placeholder: 'Email, name or user id', size: 40 }),
    h('button', { type: 'submit' }, 'Search'),
  );
  const rows = h('tbody');
  const more = h('div', { class: 'more' });

  const row = (user: UserListItem) =>
    h(
      'tr',
      { 'data-user-id': user.id },
      h('td', null, h('a', { href: `#/users/${user.id}` }, user.email)),
      h('td', null, user.name),
      h('td', null, user.role),
      h('td', null, user.isPremium ? 'premium' : 'free'),
      h('td', null, formatTime(user.createdAt)),
      h('td', null, formatTime(user.lastActiveAt)),
    );

  const search = async (query: string, cursor?: string) => {
    try {
      const page = await api.users.search({ ...(query && { query }), ...(cursor && { cursor }), limit: 25 });
      if (!cursor) rows.replaceChildren();
      for (const user of page.items) rows.appendChild(row(user));
      replace(
        more,
        page.items.length === 0 && !cursor ? h('p', { class: 'muted' }, 'No users found') : null,
        page.nextCursor
          ? h(
              'button',
              { type: 'button', onclick: () => void search(query, page.nextCursor ?? undefined) },
              'More',
            )
          : null,
      );
    } catch (error) {
      replace(more, errorBox(error));
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void search(fieldsOf(form).query ?? '');
  });
  const head = table(['Email', 'Name', 'Role', 'Plan', 'Created', 'Last active'], []);
  head.tBodies[0]!.replaceWith(rows);
  head.classList.add('users-table');
  replace(results, head, more);
  replace(root, h('h1', null, 'Users'), form, results);
  void search('');
};

/** One user (admin.users.get): facts, sessions, and the audited actions: premium, revoke, erase. */
export const userDetailPage: Page = async (root, context) => {
  const userId = context.params[0] ?? '';
  replace(root, h('h1', null, 'User'), h('p', { class: 'muted' }, 'Loading…'));
  let detail: Awaited<ReturnType<typeof api.users.get>>;
  try {
    detail = await api.users.get(userId);
  } catch (error) {
    replace(root, h('h1', null, 'User'), errorBox(error), h('a', { href: '#/users' }, 'Back to users'));
    return;
  }
  const { user, stats, sessions } = detail;
  const outcome = h('div', { class: 'outcome', 'aria-live': 'polite' });
  const reload = () => context.navigate(`#/users/${user.id}`);

  const premiumForm = h(
    'form',
    { class: 'action', 'data-action': 'set-premium' },
    h('h2', null, 'Premium'),
    h(
      'label',
      null,
      h('input', { type: 'checkbox', name: 'premium', value: 'on', checked: user.isPremium }),
      ' Premium',
    ),
    h(
      'label',
      null,
      'Reason ',
      h('input', { name: 'reason', required: true, minlength: 3, maxlength: 500, size: 40 }),
    ),
    h('button', { type: 'submit' }, 'Save'),
  );
  premiumForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = fieldsOf(premiumForm);
    try {
      await api.users.setPremium({
        userId: user.id,
        premium: fields.premium === 'on',
        reason: fields.reason ?? '',
      });
      reload();
    } catch (error) {
      replace(outcome, errorBox(error));
    }
  });

  const revoke = h(
    'button',
    {
      type: 'button',
      'data-action': 'revoke-sessions',
      onclick: async () => {
        try {
          const { revoked } = await api.users.revokeSessions(user.id);
          replace(outcome, h('p', { class: 'ok', 'data-revoked': revoked }, `${revoked} sessions revoked`));
        } catch (error) {
          replace(outcome, errorBox(error));
        }
      },
    },
    'Revoke all sessions',
  );

  const confirmInput = h('input', {
    name: 'confirmEmail',
    autocomplete: 'off',
    size: 40,
    placeholder: user.email,
  });
  const eraseButton = h('button', { type: 'submit', class: 'danger', disabled: true }, 'Erase account');
  confirmInput.addEventListener('input', () => {
    eraseButton.disabled = confirmInput.value.trim() !== user.email;
  });
  const eraseForm = h(
    'form',
    { class: 'action', 'data-action': 'erase' },
    h('h2', null, 'Erase account'),
    h('p', null, 'Deletes the account and its data for good. Type the account’s email to confirm.'),
    confirmInput,
    eraseButton,
  );
  eraseForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.users.erase(user.id, confirmInput.value.trim());
      replace(
        root,
        h('h1', null, 'User erased'),
        h('p', { 'data-erased': user.id }, `${user.email} was erased.`),
        h('a', { href: '#/users' }, 'Back to users'),
      );
    } catch (error) {
      replace(outcome, errorBox(error));
    }
  });

  replace(
    root,
    h('h1', null, user.email),
    h(
      'dl',
      { class: 'facts', 'data-user-id': user.id },
      h('dt', null, 'Name'),
      h('dd', null, user.name),
      h('dt', null, 'Role'),
      h('dd', null, user.role),
      h('dt', null, 'Plan'),
      h('dd', { 'data-premium': String(user.isPremium) }, user.isPremium ? 'premium' : 'free'),
      h('dt', null, 'Email verified'),
      h('dd', null, user.emailVerified ? 'yes' : 'no'),
      h('dt', null, 'Created'),
      h('dd', null, formatTime(user.createdAt)),
      h('dt', null, 'XP'),
      h('dd', { 'data-xp': stats.xp }, String(stats.xp)),
      h('dt', null, 'Lessons completed'),
      h('dd', null, String(stats.lessonsCompleted)),
      h('dt', null, 'Streak'),
      h('dd', null, String(stats.streak)),
    ),
    outcome,
    premiumForm,
    h(
      'section',
      { class: 'action' },
      h('h2', null, 'Sessions'),
      table(
        ['Device', 'Created', 'Last used', 'State'],
        sessions.map((session) => [
          session.device ?? session.userAgent ?? '—',
          formatTime(session.createdAt),
          formatTime(session.lastUsedAt),
          session.revoked ? 'revoked' : 'active',
        ]),
        { class: 'sessions-table' },
      ),
      revoke,
    ),
    eraseForm,
    h('a', { href: '#/users' }, 'Back to users'),
  );
};
