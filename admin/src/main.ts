import { signOut, whenSessionExpires } from './api.js';
import { h, replace } from './dom.js';
import type { Page } from './page.js';
import { auditPage } from './pages/audit.js';
import { dashboardPage } from './pages/dashboard.js';
import { flagsPage } from './pages/flags.js';
import { renderSignIn } from './pages/sign-in.js';
import { userDetailPage, usersPage } from './pages/users.js';
import { currentSession } from './session.js';

/** Hash routes: `#/<name>/<param>`. The hash never reaches the server, which serves one page. */
const ROUTES: { name: string; title: string; page: Page; inNav: boolean }[] = [
  { name: 'dashboard', title: 'Dashboard', page: dashboardPage, inNav: true },
  { name: 'users', title: 'Users', page: usersPage, inNav: true },
  { name: 'user', title: 'User', page: userDetailPage, inNav: false },
  { name: 'audit', title: 'Audit log', page: auditPage, inNav: true },
  { name: 'flags', title: 'Feature flags', page: flagsPage, inNav: true },
];

const app = document.getElementById('app')!;
let leaving: (() => void)[] = [];

function parseHash(): { name: string; params: string[] } {
  const [name = 'dashboard', ...params] = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  // `#/users/<id>` is the user page.
  if (name === 'users' && params.length > 0) return { name: 'user', params };
  return { name, params };
}

function render(): void {
  for (const dispose of leaving) dispose();
  leaving = [];
  const session = currentSession();
  if (!session) {
    document.title = 'Sign in · Linguamate admin';
    renderSignIn(app, () => navigate('#/dashboard'));
    return;
  }
  const { name, params } = parseHash();
  const route = ROUTES.find((candidate) => candidate.name === name) ?? ROUTES[0]!;
  document.title = `${route.title} · Linguamate admin`;
  const main = h('main', { 'data-page': route.name });
  const nav = h(
    'nav',
    { 'aria-label': 'Sections' },
    h('span', { class: 'brand' }, 'Linguamate admin'),
    ROUTES.filter((candidate) => candidate.inNav).map((candidate) =>
      h(
        'a',
        {
          href: `#/${candidate.name}`,
          'aria-current':
            candidate.name === route.name || (candidate.name === 'users' && route.name === 'user')
              ? 'page'
              : null,
        },
        candidate.title,
      ),
    ),
    h('span', { class: 'who' }, session.email),
    h(
      'button',
      { type: 'button', 'data-action': 'sign-out', onclick: () => void signOut().finally(render) },
      'Sign out',
    ),
  );
  replace(app, nav, main);
  void Promise.resolve(
    route.page(main, { params, onLeave: (dispose) => leaving.push(dispose), navigate }),
  ).catch((error: unknown) => {
    main.textContent = `The page failed: ${error instanceof Error ? error.message : String(error)}`;
  });
}

/** Shows `hash`, re-rendering when it is already the current one. */
function navigate(hash: string): void {
  if (location.hash === hash) render();
  else location.hash = hash;
}

whenSessionExpires(render);
window.addEventListener('hashchange', render);
render();
