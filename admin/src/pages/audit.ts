import { type AuditEventsInput, api } from '../api.js';
import { errorBox, fieldsOf, formatTime, h, replace, table } from '../dom.js';
import type { Page } from '../page.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

/** A `datetime-local` value (the browser's time zone) as an ISO 8601 instant, or nothing. */
const instant = (value: string | undefined) => (value ? new Date(value).toISOString() : undefined);

/** The audit trail (admin.auditEvents): filters, a table, and cursor paging forward. */
export const auditPage: Page = (root) => {
  const results = h('div', { class: 'results' });
  const form = h(
    'form',
    { class: 'toolbar', 'aria-label': 'Audit filters' },
    h('label', null, 'Actor user id ', h('input', { name: 'actorUserId', size: 36, placeholder: 'uuid' })),
    h('label', null, 'Event ', h('input', { name: 'event', placeholder: 'e.g. login_succeeded' })),
    h(
      'label',
      null,
      'Severity ',
      h(
        'select',
        { name: 'severity' },
        h('option', { value: '' }, 'any'),
        SEVERITIES.map((s) => h('option', { value: s }, s)),
      ),
    ),
    h('label', null, 'From ', h('input', { type: 'datetime-local', name: 'from' })),
    h('label', null, 'To ', h('input', { type: 'datetime-local', name: 'to' })),
    h('button', { type: 'submit' }, 'Filter'),
  );

  let pageNumber = 1;
  const show = async (filters: AuditEventsInput, cursor?: string) => {
    results.setAttribute('aria-busy', 'true');
    try {
      const page = await api.auditEvents({ ...filters, ...(cursor && { cursor }), limit: 50 });
      const next = page.nextCursor
        ? h(
            'button',
            {
              type: 'button',
              'data-action': 'next-page',
              onclick: () => {
                pageNumber++;
                void show(filters, page.nextCursor ?? undefined);
              },
            },
            'Next page',
          )
        : null;
      replace(
        results,
        h(
          'p',
          { class: 'muted', 'data-page': pageNumber },
          `Page ${pageNumber}: ${page.events.length} events`,
        ),
        table(
          ['Time', 'Event', 'Severity', 'Actor', 'Target', 'IP', 'Request id', 'Details'],
          page.events.map((event) => [
            formatTime(event.createdAt),
            h('span', { 'data-event': event.event }, event.event),
            h('span', { class: `severity severity-${event.severity}` }, event.severity),
            event.actorUserId ?? '—',
            event.target ?? '—',
            event.ip ?? '—',
            event.requestId ?? '—',
            h('code', null, JSON.stringify(event.details)),
          ]),
          { class: 'audit-table' },
        ),
        next,
      );
    } catch (error) {
      replace(results, errorBox(error));
    } finally {
      results.setAttribute('aria-busy', 'false');
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields = fieldsOf(form);
    pageNumber = 1;
    void show({
      ...(fields.actorUserId && { actorUserId: fields.actorUserId }),
      ...(fields.event && { event: fields.event }),
      ...(fields.severity && { severity: fields.severity as Severity }),
      ...(fields.from && { from: instant(fields.from) }),
      ...(fields.to && { to: instant(fields.to) }),
    } as AuditEventsInput);
  });
  replace(root, h('h1', null, 'Audit log'), form, results);
  void show({} as AuditEventsInput);
};
