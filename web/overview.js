// The live overview: executions by status, throughput and failure rate over time, latency
// percentiles, manual reviews waiting, and — when the server has them — alarm states and queue
// and dead-letter depth. It refreshes itself every few seconds while it is shown.
/* global setInterval, clearInterval, document */
import { api, query } from './api.js';
import { stackedBars, rateLine } from './charts.js';
import { confirmAction } from './confirm.js';
import { formatDuration, formatTime, h, statusBadge } from './dom.js';

const statuses = [
  ['RUNNING', 'Running'],
  ['SUCCEEDED', 'Succeeded'],
  ['FAILED', 'Failed'],
  ['TIMED_OUT', 'Timed out'],
  ['ABORTED', 'Aborted'],
  ['PENDING_REDRIVE', 'Pending redrive'],
];

function card(label, value, { testid, href, tone } = {}) {
  const body = [
    h('div', { class: 'card-label', text: label }),
    h('div', { class: 'card-value', 'data-testid': testid, text: String(value) }),
  ];
  return href
    ? h('a', { class: `card${tone ? ` tone-${tone}` : ''}`, href }, ...body)
    : h('div', { class: `card${tone ? ` tone-${tone}` : ''}` }, ...body);
}

function bucketLabel(bucketMs) {
  return (bucket) => {
    const d = new Date(bucket.start);
    const pad = (n) => String(n).padStart(2, '0');
    return bucketMs >= 3_600_000 * 6
      ? `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}h`
      : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };
}

function replayButton(count, reload) {
  const message = h('span', { class: 'action-message' });
  return h(
    'div',
    { class: 'actions' },
    h('button', {
      type: 'button',
      'data-testid': 'replay-dead-letters',
      text: `Replay ${count} dead letter${count === 1 ? '' : 's'}`,
      onclick: async () => {
        const ok = await confirmAction({
          title: 'Replay the dead letters?',
          text: `${count} webhook event${count === 1 ? '' : 's'} go back on the queue, each with a fresh receive count, and are processed again.`,
          confirmLabel: 'Replay',
          tone: 'primary',
        });
        if (!ok) return;
        try {
          const result = await api('/dead-letters/replay', {
            method: 'POST',
            body: { confirm: true },
          });
          message.className = 'action-message ok';
          message.textContent = `${result.replayed} replayed.`;
          await reload();
        } catch (error) {
          message.className = 'action-message error';
          message.textContent = `Replay failed: ${error.message}`;
        }
      },
    }),
    message,
  );
}

function render(data, windowName, onWindow, reload) {
  const formatX = bucketLabel(data.window.bucketMs);
  const rate = data.totals.failureRate;
  const windowPicker = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Time window' },
    ...['1h', '6h', '24h', '7d'].map((name) =>
      h('button', {
        type: 'button',
        class: name === windowName ? 'active' : '',
        text: name,
        onclick: () => onWindow(name),
      }),
    ),
  );
  const sections = [
    h(
      'div',
      { class: 'page-head' },
      h('h1', { text: 'Overview' }),
      h('span', { class: 'live', text: `live · ${formatTime(data.now)}` }),
      windowPicker,
    ),
    h('h2', { text: 'Executions by status' }),
    h(
      'div',
      { class: 'cards' },
      ...statuses.map(([status, label]) =>
        card(label, data.statusCounts[status] ?? 0, {
          testid: `count-${status}`,
          href: `#/executions?status=${status}`,
          tone: status.toLowerCase().replace('_', '-'),
        }),
      ),
      card('Manual reviews waiting', data.waitingReviews, {
        testid: 'waiting-reviews',
        href: '#/reviews',
        tone: data.waitingReviews > 0 ? 'attention' : undefined,
      }),
    ),
    h('h2', { text: `Last ${windowName}` }),
    h(
      'div',
      { class: 'cards' },
      card('Started', data.totals.started, { testid: 'window-started' }),
      card('Succeeded', data.totals.succeeded, { testid: 'window-succeeded' }),
      card('Failed', data.totals.failed, { testid: 'window-failed' }),
      card('Failure rate', rate === null ? '—' : `${(rate * 100).toFixed(1)}%`, {
        testid: 'failure-rate',
      }),
      card('Latency p50', formatDuration(data.latency.p50), { testid: 'latency-p50' }),
      card('p90', formatDuration(data.latency.p90), { testid: 'latency-p90' }),
      card('p99', formatDuration(data.latency.p99), { testid: 'latency-p99' }),
    ),
    h(
      'div',
      { class: 'charts' },
      h(
        'figure',
        {},
        h('figcaption', { text: 'Throughput (executions started)' }),
        stackedBars({
          buckets: data.timeline.map((b) => ({ ...b, other: b.started - b.succeeded - b.failed })),
          series: [
            { key: 'succeeded', label: 'succeeded', className: 'fill-succeeded' },
            { key: 'failed', label: 'failed', className: 'fill-failed' },
            { key: 'other', label: 'running or pending', className: 'fill-running' },
          ],
          formatX,
        }),
      ),
      h(
        'figure',
        {},
        h('figcaption', { text: 'Failure rate (of closed executions)' }),
        rateLine({
          buckets: data.timeline,
          value: (b) => (b.succeeded + b.failed === 0 ? null : b.failed / (b.succeeded + b.failed)),
          formatX,
          className: 'stroke-failed',
        }),
      ),
    ),
  ];
  if (data.queue) {
    sections.push(
      h('h2', { text: 'Webhook queue' }),
      h(
        'div',
        { class: 'cards' },
        card('Visible', data.queue.visible, { testid: 'queue-visible' }),
        card('In flight', data.queue.inFlight, { testid: 'queue-inflight' }),
        card('Delayed', data.queue.delayed, { testid: 'queue-delayed' }),
        card('Dead letters', data.queue.deadLetters, {
          testid: 'queue-dead-letters',
          tone: data.queue.deadLetters > 0 ? 'failed' : undefined,
        }),
      ),
    );
    // Only when there is something to replay (replaceChildren would print a null as "null").
    if (data.features?.deadLetterReplay && data.queue.deadLetters > 0) {
      sections.push(replayButton(data.queue.deadLetters, reload));
    }
  }
  if (data.alarms) {
    sections.push(
      h('h2', { text: 'Alarms' }),
      data.alarms.length === 0
        ? h('p', { class: 'muted', text: 'No alarms defined.' })
        : h(
            'table',
            { class: 'table', 'data-testid': 'alarms' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { text: 'Alarm' }),
                h('th', { text: 'State' }),
                h('th', { text: 'Since' }),
                h('th', { text: 'Reason' }),
              ),
            ),
            h(
              'tbody',
              {},
              ...byUrgency(data.alarms).map((alarm) =>
                h(
                  'tr',
                  { 'data-alarm': alarm.alarmName },
                  h('td', { text: alarm.alarmName }),
                  h('td', {}, statusBadge(alarm.state)),
                  h('td', { text: formatTime(alarm.updatedAt) }),
                  h('td', { class: 'reason', text: alarm.reason }),
                ),
              ),
            ),
          ),
    );
  }
  return sections;
}

/** Shows the overview in `root`; returns a function that stops its refreshing. */
/** Alarms in ALARM first, then those without enough data, then OK; by name within each. */
function byUrgency(alarms) {
  const rank = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
  return [...alarms].sort(
    (a, b) => (rank[a.state] ?? 1) - (rank[b.state] ?? 1) || a.alarmName.localeCompare(b.alarmName),
  );
}

export function showOverview(root, params) {
  let windowName = params.get('window') ?? '24h';
  let stopped = false;
  let timer;
  const load = async () => {
    try {
      const data = await api(`/overview${query({ window: windowName })}`);
      if (stopped) return;
      root.replaceChildren(
        ...render(
          data,
          windowName,
          (name) => {
            windowName = name;
            void load();
          },
          load,
        ),
      );
      root.dataset.loaded = 'overview';
    } catch (error) {
      if (!stopped) root.replaceChildren(h('p', { class: 'error', text: error.message }));
    }
  };
  void load();
  // Live, but only while someone looks: a hidden tab does not poll.
  timer = setInterval(() => {
    if (!document.hidden) void load();
  }, 5000);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
