// Monitoring charts for the selected function, over the session (uPlot, bundled): duration (each
// invocation, and p50/p99 per interval), memory used against configured, invocations and errors per
// interval.
import uPlot from 'uplot';
import { byId } from './dom.js';
import type { ConsoleInvocation } from './types.js';

/** The width of an interval, seconds. */
const INTERVAL_S = 10;
const HEIGHT = 200;
/** Pixels between time ticks: room for a label such as "10:35:50pm" (uPlot's default, 50, let them touch). */
const X_LABEL_SPACE = 90;

type Column = (number | null)[];

// The nearest-rank percentile of sorted values.
function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface ChartData {
  duration: [number[], Column, Column, Column];
  memory: [number[], Column, Column];
  count: [number[], Column, Column];
}

// The three charts' columns from one function's invocations (oldest first).
function chartData(records: readonly ConsoleInvocation[]): ChartData {
  const points = records.map((r) => ({ t: Date.parse(r.time) / 1000, r }));
  const buckets = new Map<number, { durations: number[]; errors: number }>();
  for (const { t, r } of points) {
    const start = Math.floor(t / INTERVAL_S) * INTERVAL_S;
    const b = buckets.get(start) ?? { durations: [], errors: 0 };
    b.durations.push(r.summary.durationMs);
    if (r.status !== 'success') b.errors++;
    buckets.set(start, b);
  }
  const centers = [...buckets.keys()].sort((a, b) => a - b).map((start) => start + INTERVAL_S / 2);
  // Durations: every invocation's point and each interval's percentiles, on one time axis.
  const rows: [number, number | null, number | null, number | null][] = points.map(({ t, r }) => [t, r.summary.durationMs, null, null]);
  for (const center of centers) {
    const sorted = buckets.get(center - INTERVAL_S / 2)!.durations.slice().sort((a, b) => a - b);
    rows.push([center, null, percentile(sorted, 50), percentile(sorted, 99)]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  return {
    duration: [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
    memory: [points.map((p) => p.t), points.map((p) => p.r.summary.maxMemoryUsedMb), points.map((p) => p.r.summary.memorySizeMb)],
    count: [centers, centers.map((c) => buckets.get(c - INTERVAL_S / 2)!.durations.length), centers.map((c) => buckets.get(c - INTERVAL_S / 2)!.errors)],
  };
}

const dots = { paths: () => null, points: { show: true, size: 6 } };

export class Charts {
  private charts: { duration: uPlot; memory: uPlot; count: uPlot } | null = null;
  private pending = false;
  private records: readonly ConsoleInvocation[] = [];
  /** The session so far, and one interval of room on each side (a single point is not spread over years). */
  private xRange: [number, number] = [0, 1];

  // Draw (or redraw, at the next frame) the charts of these invocations.
  show(records: readonly ConsoleInvocation[]): void {
    this.records = records;
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const data = chartData(this.records);
    const times = data.duration[0];
    const now = Date.now() / 1000;
    this.xRange = [(times[0] ?? now) - INTERVAL_S, (times[times.length - 1] ?? now) + INTERVAL_S];
    const durationEl = byId('chart-duration');
    durationEl.dataset.points = String(this.records.length);
    durationEl.dataset.intervals = String(data.count[0].length);
    if (!this.charts) {
      const width = Math.max(280, durationEl.clientWidth || 320);
      const opts = (title: string, series: uPlot.Series[], yLabel: string): uPlot.Options =>
        ({
          title, width, height: HEIGHT, series: [{}, ...series], axes: [{ space: X_LABEL_SPACE }, { label: yLabel, size: 60 }], legend: { live: false },
          // One interval of room on each side, so that a single point is not spread over years.
          scales: { x: { time: true, range: () => this.xRange } },
        });
      this.charts = {
        duration: new uPlot(opts('Duration', [
          { label: 'invocation', stroke: '#5470c6', fill: '#5470c6', ...dots },
          { label: 'p50', stroke: '#12813b', width: 2, spanGaps: true, points: { show: true } },
          { label: 'p99', stroke: '#c7000b', width: 2, spanGaps: true, points: { show: true } },
        ], 'ms'), data.duration, durationEl),
        memory: new uPlot(opts('Memory', [
          { label: 'used', stroke: '#5470c6', fill: '#5470c6', ...dots },
          { label: 'configured', stroke: '#b25e09', width: 2, dash: [6, 4], points: { show: false } },
        ], 'MB'), data.memory, byId('chart-memory')),
        count: new uPlot(opts(`Per ${INTERVAL_S} s`, [
          { label: 'invocations', stroke: '#5470c6', width: 2, points: { show: true } },
          { label: 'errors', stroke: '#c7000b', width: 2, points: { show: true } },
        ], 'count'), data.count, byId('chart-count')),
      };
      return;
    }
    this.charts.duration.setData(data.duration);
    this.charts.memory.setData(data.memory);
    this.charts.count.setData(data.count);
  }
}
