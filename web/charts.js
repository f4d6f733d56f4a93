// Charts drawn as inline SVG: stacked bars for throughput and a line for the failure rate. No
// library: the dashboard fetches nothing from the internet.
import { s } from './dom.js';

const pad = { top: 12, right: 12, bottom: 24, left: 40 };

function axes(width, height, maxY, labels, formatY) {
  const plotH = height - pad.top - pad.bottom;
  const g = s('g', { class: 'axes' });
  for (const fraction of [0, 0.5, 1]) {
    const y = pad.top + plotH * (1 - fraction);
    g.append(
      s('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'grid' }),
      s('text', {
        x: pad.left - 6,
        y: y + 4,
        'text-anchor': 'end',
        text: formatY(maxY * fraction),
      }),
    );
  }
  for (const label of labels) {
    g.append(s('text', { x: label.x, y: height - 6, 'text-anchor': 'middle', text: label.text }));
  }
  return g;
}

/**
 * Stacked bars, one per bucket. `series` = [{ key, label, className }] stacked bottom-up;
 * `formatX(bucket)` labels about six buckets along the axis.
 */
export function stackedBars({ buckets, series, width = 560, height = 180, formatX }) {
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  const total = (b) => series.reduce((sum, one) => sum + (b[one.key] ?? 0), 0);
  // An even maximum keeps the middle gridline on a whole number.
  const maxY = Math.max(2, Math.ceil(Math.max(0, ...buckets.map(total)) / 2) * 2);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const step = plotW / Math.max(1, buckets.length);
  const every = Math.max(1, Math.ceil(buckets.length / 6));
  const labels = [];
  buckets.forEach((bucket, i) => {
    const x = pad.left + i * step;
    let y = pad.top + plotH;
    for (const one of series) {
      const value = bucket[one.key] ?? 0;
      if (value <= 0) continue;
      const barH = (value / maxY) * plotH;
      y -= barH;
      svg.append(
        s(
          'rect',
          {
            x: x + step * 0.1,
            y,
            width: Math.max(1, step * 0.8),
            height: barH,
            class: one.className,
          },
          s('title', { text: `${formatX(bucket)} — ${one.label}: ${value}` }),
        ),
      );
    }
    if (i % every === 0) labels.push({ x: x + step / 2, text: formatX(bucket) });
  });
  svg.prepend(axes(width, height, maxY, labels, (v) => String(Math.round(v))));
  return svg;
}

/** A line over buckets; points whose value is null are gaps. Values are 0..1 (a rate). */
export function rateLine({ buckets, value, width = 560, height = 180, formatX, className }) {
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const step = plotW / Math.max(1, buckets.length);
  const every = Math.max(1, Math.ceil(buckets.length / 6));
  const labels = [];
  let d = '';
  let penDown = false;
  buckets.forEach((bucket, i) => {
    const x = pad.left + i * step + step / 2;
    const v = value(bucket);
    if (v === null) {
      penDown = false;
    } else {
      const y = pad.top + plotH * (1 - v);
      d += `${penDown ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `;
      penDown = true;
      svg.append(
        s(
          'circle',
          { cx: x, cy: y, r: 2.5, class: className },
          s('title', { text: `${formatX(bucket)} — ${(v * 100).toFixed(1)}%` }),
        ),
      );
    }
    if (i % every === 0) labels.push({ x, text: formatX(bucket) });
  });
  svg.prepend(
    axes(width, height, 1, labels, (v) => `${Math.round(v * 100)}%`),
    s('path', { d: d.trim(), class: `line ${className}` }),
  );
  return svg;
}
