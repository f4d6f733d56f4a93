/**
 * Small inline SVG charts for the simulation report: stacked bars over time, a histogram on a
 * logarithmic axis, and a timeline of alarm states. Strings in, a self-contained `<svg>` out: no
 * scripts, no external assets, so the report opens from a file anywhere.
 */

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly number[];
}

export interface Band {
  /** Start and end as bucket positions (fractional allowed). */
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly color: string;
}

const width = 900;
const height = 240;
const margin = { left: 48, right: 12, top: 12, bottom: 36 };
const plotWidth = width - margin.left - margin.right;
const plotHeight = height - margin.top - margin.bottom;

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function legend(series: readonly { name: string; color: string }[]): string {
  return series
    .map(
      (s, i) =>
        `<g transform="translate(${margin.left + i * 140},${height - 10})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14" font-size="11">${escapeXml(s.name)}</text></g>`,
    )
    .join('');
}

function yAxis(max: number): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  return ticks
    .map((t) => {
      const y = margin.top + plotHeight * (1 - t);
      const value = max * t;
      return `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y}" y2="${y}" stroke="#e5e7eb"/><text x="${margin.left - 6}" y="${y + 4}" font-size="10" text-anchor="end">${Number.isInteger(value) ? value : value.toFixed(1)}</text>`;
    })
    .join('');
}

/**
 * Stacked bars, one bar per bucket, with labels under some buckets and shaded bands (an outage).
 */
export function stackedBars(
  title: string,
  labels: readonly string[],
  series: readonly Series[],
  bands: readonly Band[] = [],
): string {
  const buckets = labels.length;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const barWidth = plotWidth / Math.max(1, buckets);
  const parts: string[] = [yAxis(max)];
  for (const band of bands) {
    const x = margin.left + band.from * barWidth;
    const w = Math.max(2, (band.to - band.from) * barWidth);
    parts.push(
      `<rect x="${x}" y="${margin.top}" width="${w}" height="${plotHeight}" fill="${band.color}" opacity="0.25"><title>${escapeXml(band.label)}</title></rect>`,
    );
  }
  for (let i = 0; i < buckets; i++) {
    let y = margin.top + plotHeight;
    for (const s of series) {
      const value = s.values[i] ?? 0;
      if (value <= 0) continue;
      const h = (value / max) * plotHeight;
      y -= h;
      parts.push(
        `<rect x="${(margin.left + i * barWidth + 0.5).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${escapeXml(`${labels[i] ?? ''} ${s.name}: ${value}`)}</title></rect>`,
      );
    }
    if (i % Math.max(1, Math.round(buckets / 12)) === 0)
      parts.push(
        `<text x="${margin.left + i * barWidth}" y="${height - 22}" font-size="10">${escapeXml(labels[i] ?? '')}</text>`,
      );
  }
  return svg(title, parts.join('') + legend(series));
}

/** A histogram of positive values on a log10 axis, `bins` bins from the smallest to the largest. */
export function logHistogram(
  title: string,
  values: readonly number[],
  format: (value: number) => string,
  bins = 40,
): string {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return svg(title, '<text x="20" y="40">no data</text>');
  const lo = Math.log10(Math.min(...positive));
  const hi = Math.log10(Math.max(...positive)) + 1e-9;
  const counts = new Array<number>(bins).fill(0);
  for (const v of positive) {
    const bin = Math.min(bins - 1, Math.floor(((Math.log10(v) - lo) / (hi - lo || 1)) * bins));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const labels = counts.map((_, i) => format(10 ** (lo + ((hi - lo) * i) / bins)));
  return stackedBars(title, labels, [{ name: 'payments', color: '#2563eb', values: counts }]);
}

export interface Lane {
  readonly name: string;
  /** State changes in time order: [time, state]. */
  readonly changes: readonly (readonly [number, string])[];
}

/** One lane per alarm, coloured by state (OK green, ALARM red, else grey) from `start` to `end`. */
export function stateTimeline(
  title: string,
  lanes: readonly Lane[],
  start: number,
  end: number,
  formatTime: (at: number) => string,
): string {
  const laneHeight = 22;
  const left = 300;
  const w = width - left - margin.right;
  const h = Math.max(1, lanes.length) * laneHeight + 40;
  const x = (at: number) =>
    left + ((Math.min(end, Math.max(start, at)) - start) / (end - start || 1)) * w;
  const colors: Record<string, string> = { OK: '#16a34a', ALARM: '#dc2626' };
  const parts: string[] = [];
  lanes.forEach((lane, i) => {
    const y = 10 + i * laneHeight;
    parts.push(
      `<text x="${left - 6}" y="${y + 14}" font-size="11" text-anchor="end">${escapeXml(lane.name)}</text>`,
    );
    let state = 'INSUFFICIENT_DATA';
    let from = start;
    const segments: [number, number, string][] = [];
    for (const [at, next] of lane.changes) {
      segments.push([from, at, state]);
      from = at;
      state = next;
    }
    segments.push([from, end, state]);
    for (const [a, b, s] of segments) {
      if (b <= a) continue;
      parts.push(
        `<rect x="${x(a).toFixed(1)}" y="${y}" width="${Math.max(1, x(b) - x(a)).toFixed(1)}" height="${laneHeight - 6}" fill="${colors[s] ?? '#9ca3af'}"><title>${escapeXml(`${lane.name}: ${s} ${formatTime(a)} to ${formatTime(b)}`)}</title></rect>`,
      );
    }
  });
  for (let i = 0; i <= 6; i++) {
    const at = start + ((end - start) * i) / 6;
    parts.push(
      `<text x="${x(at)}" y="${h - 8}" font-size="10" text-anchor="middle">${escapeXml(formatTime(at))}</text>`,
    );
  }
  return svg(title, parts.join(''), h);
}

function svg(title: string, body: string, h = height): string {
  return `<figure><figcaption>${escapeXml(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${h}" width="100%" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif">${body}</svg></figure>`;
}
