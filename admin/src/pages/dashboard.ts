import { api } from '../api.js';
import { type ChartSpec, renderChart } from '../charts.js';
import { errorBox, fieldsOf, h, replace, table } from '../dom.js';
import type { Page } from '../page.js';

const DAY_MS = 86_400_000;
const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The range shown first: the last 30 UTC days, today included. */
export function defaultRange(now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - 29 * DAY_MS), to: isoDay(now) };
}

type Range = { from: string; to: string };

/** One panel per report: its charts, or the error its call got (the other panels still load). */
const PANELS: {
  id: string;
  title: string;
  load: (range: Range, into: HTMLElement, track: Track) => Promise<void>;
}[] = [
  {
    id: 'active-users',
    title: 'Active users',
    async load(range, into, track) {
      const report = await api.reports.activeUsers(range);
      draw(into, track, {
        id: 'daily-active-users',
        title: 'Daily active users',
        type: 'line',
        labels: report.daily.map((row) => row.day),
        series: [{ label: 'Users', values: report.daily.map((row) => row.users) }],
      });
      draw(into, track, {
        id: 'weekly-active-users',
        title: 'Weekly active users (week starting Monday)',
        type: 'line',
        labels: report.weekly.map((row) => row.weekStart),
        series: [{ label: 'Users', values: report.weekly.map((row) => row.users) }],
      });
    },
  },
  {
    id: 'signups',
    title: 'Signups and retention',
    async load(range, into, track) {
      const report = await api.reports.signups(range);
      draw(into, track, {
        id: 'signups',
        title: 'Signups per day',
        type: 'bar',
        labels: report.daily.map((row) => row.day),
        series: [{ label: 'Signups', values: report.daily.map((row) => row.signups) }],
      });
      into.appendChild(cohortTable(report.cohorts));
    },
  },
  {
    id: 'lessons',
    title: 'Lessons completed',
    async load(range, into, track) {
      const { rows } = await api.reports.lessonsCompleted(range);
      const languages = [...new Set(rows.map((row) => row.language))].sort();
      const levels = [...new Set(rows.map((row) => row.level))].sort();
      const count = (language: string, level: string) =>
        rows.find((row) => row.language === language && row.level === level)?.lessons ?? 0;
      draw(into, track, {
        id: 'lessons-completed',
        title: 'Lessons completed by language and level',
        type: 'bar',
        stacked: true,
        labels: languages,
        series: levels.map((level) => ({
          label: level,
          values: languages.map((language) => count(language, level)),
        })),
      });
    },
  },
  {
    id: 'xp',
    title: 'XP distribution',
    async load(range, into, track) {
      const { buckets } = await api.reports.xpDistribution(range);
      draw(into, track, {
        id: 'xp-distribution',
        title: 'Users by XP earned in the range',
        type: 'bar',
        labels: buckets.map((bucket) => bucket.label),
        series: [{ label: 'Users', values: buckets.map((bucket) => bucket.users) }],
      });
    },
  },
  {
    id: 'ai',
    title: 'AI usage',
    async load(range, into, track) {
      const { daily } = await api.reports.aiUsage(range);
      draw(into, track, {
        id: 'ai-usage',
        title: 'Chat messages, AI requests and quota denials per day',
        type: 'line',
        labels: daily.map((row) => row.day),
        series: [
          { label: 'Chat messages', values: daily.map((row) => row.chatMessages) },
          { label: 'AI requests', values: daily.map((row) => row.aiRequests) },
          { label: 'Quota denials', values: daily.map((row) => row.quotaDenials) },
        ],
      });
    },
  },
  {
    id: 'errors',
    title: 'Error ratio',
    async load(range, into, track) {
      const { daily } = await api.reports.errorRatio(range);
      draw(into, track, {
        id: 'error-ratio',
        title: 'Share of requests answered with a 5xx',
        type: 'line',
        labels: daily.map((row) => row.day),
        series: [{ label: 'Error ratio', values: daily.map((row) => row.ratio) }],
        format: percent,
      });
    },
  },
];

/** Keeps a chart's clean-up, to run before the next load and when the page is left. */
type Track = (dispose: () => void) => void;

function draw(into: HTMLElement, track: Track, spec: ChartSpec): void {
  track(renderChart(into, spec));
}

/** Retention as a heat map: one row per signup week, one column per week since (shade classes, no inline style). */
function cohortTable(cohorts: { cohortWeek: string; size: number; retention: number[] }[]): HTMLElement {
  const weeks = Math.max(0, ...cohorts.map((cohort) => cohort.retention.length));
  return h(
    'figure',
    { class: 'cohorts', 'data-chart': 'retention-cohorts' },
    h('figcaption', null, 'Retention by signup week (share active n weeks later)'),
    table(
      ['Cohort week', 'Size', ...Array.from({ length: weeks }, (_, week) => `Week ${week}`)],
      cohorts.map((cohort) => [
        cohort.cohortWeek,
        h(
          'span',
          { 'data-series': 'Size', 'data-label': cohort.cohortWeek, 'data-value': cohort.size },
          String(cohort.size),
        ),
        ...Array.from({ length: weeks }, (_, week) => {
          const share = cohort.retention[week];
          if (share === undefined) return '';
          return h(
            'span',
            {
              class: `heat heat-${Math.round(share * 10)}`,
              'data-series': `Week ${week}`,
              'data-label': cohort.cohortWeek,
              'data-value': share,
            },
            percent(share),
          );
        }),
      ]),
      { class: 'heatmap' },
    ),
  );
}

export const dashboardPage: Page = (root, context) => {
  const range = defaultRange();
  const panels = h('div', { class: 'panels' });
  const form = h(
    'form',
    { class: 'toolbar', 'aria-label': 'Date range' },
    h('label', null, 'From ', h('input', { type: 'date', name: 'from', value: range.from, required: true })),
    h('label', null, 'To ', h('input', { type: 'date', name: 'to', value: range.to, required: true })),
    h('button', { type: 'submit' }, 'Show'),
  );
  let charts: (() => void)[] = [];
  const track: Track = (dispose) => charts.push(dispose);
  context.onLeave(() => {
    for (const dispose of charts) dispose();
  });
  const load = (selected: Range) => {
    for (const dispose of charts) dispose();
    charts = [];
    replace(panels);
    for (const panel of PANELS) {
      const body = h('div', { class: 'panel-body', 'aria-busy': 'true' });
      panels.appendChild(
        h('section', { class: 'panel', 'data-panel': panel.id }, h('h2', null, panel.title), body),
      );
      panel
        .load(selected, body, track)
        .catch((error: unknown) => body.appendChild(errorBox(error)))
        .finally(() => body.setAttribute('aria-busy', 'false'));
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields = fieldsOf(form);
    load({ from: fields.from ?? range.from, to: fields.to ?? range.to });
  });
  replace(root, h('h1', null, 'Dashboard'), form, panels);
  load(range);
};
