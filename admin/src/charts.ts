import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { h, table } from './dom.js';

// Only what the dashboard draws is registered, so the bundle holds only that much of Chart.js.
Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

export interface Series {
  label: string;
  values: number[];
}

export interface ChartSpec {
  /** Names the figure (`data-chart`), for tests and links. */
  id: string;
  title: string;
  type: 'line' | 'bar';
  labels: string[];
  series: Series[];
  /** How a value is written in the data table (and the axis), e.g. as a percentage. */
  format?: (value: number) => string;
  stacked?: boolean;
}

/**
 * Draws a chart into `container` (which must be in the document, so the canvas has a size), and beside it
 * the same numbers as a table: for screen readers, for copying, and for the browser tests, which read the
 * cells' `data-value`. Returns a function that frees the chart.
 */
export function renderChart(container: HTMLElement, spec: ChartSpec): () => void {
  const format = spec.format ?? ((value: number) => String(value));
  const canvas = h('canvas', { role: 'img', 'aria-label': spec.title });
  const dataTable = table(
    [spec.type === 'line' ? 'Day' : 'Category', ...spec.series.map((series) => series.label)],
    spec.labels.map((label, index) => [
      label,
      ...spec.series.map((series) => {
        const value = series.values[index] ?? 0;
        return h(
          'span',
          { 'data-series': series.label, 'data-label': label, 'data-value': value },
          format(value),
        );
      }),
    ]),
    { class: 'data-table' },
  );
  const figure = h(
    'figure',
    { class: 'chart', 'data-chart': spec.id, 'data-points': spec.labels.length },
    h('figcaption', null, spec.title),
    h('div', { class: 'chart-box' }, canvas),
    h('details', null, h('summary', null, 'Data'), dataTable),
  );
  container.appendChild(figure);
  const chart = new Chart(canvas, {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, index) => {
        const color = PALETTE[index % PALETTE.length]!;
        return {
          label: series.label,
          data: series.values,
          borderColor: color,
          backgroundColor: spec.type === 'bar' ? color : `${color}33`,
          pointRadius: spec.labels.length > 60 ? 0 : 2,
          tension: 0,
        };
      }),
    },
    options: {
      // Drawn at once: no animation frames for a dashboard (and a screenshot shows the final picture).
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: spec.stacked ?? false },
        y: {
          beginAtZero: true,
          stacked: spec.stacked ?? false,
          ticks: { callback: (value) => format(Number(value)) },
        },
      },
    },
  });
  return () => chart.destroy();
}
