// The executions list: filter by status, start time and id (an execution ARN, or its name — a
// payment's transaction id), newest first, one server-side page at a time.
/* global location */
import { api, query } from './api.js';
import { formatDuration, formatTime, h, statusBadge } from './dom.js';

const statuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** `datetime-local` values are local time; the API takes epoch ms. */
function toEpoch(local) {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}

function toLocalInput(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function executionHref(arn) {
  return `#/execution/${encodeURIComponent(arn)}`;
}

/** Shows the list in `root` for the filters in `params` (the hash's query string). */
export function showExecutions(root, params) {
  const filter = {
    status: params.get('status') ?? '',
    id: params.get('id') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
  const cursors = [];
  let cursor = params.get('cursor') ?? undefined;

  const status = h(
    'select',
    { name: 'status', 'data-testid': 'filter-status' },
    h('option', { value: '', text: 'Any status' }),
    ...statuses.map((s) =>
      h('option', { value: s, text: s.replace('_', ' '), selected: s === filter.status }),
    ),
  );
  const id = h('input', {
    name: 'id',
    placeholder: 'Execution ARN or name (transaction id)',
    value: filter.id,
    'data-testid': 'filter-id',
    size: 40,
  });
  const from = h('input', {
    name: 'from',
    type: 'datetime-local',
    value: toLocalInput(filter.from),
  });
  const to = h('input', { name: 'to', type: 'datetime-local', value: toLocalInput(filter.to) });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        const next = {
          status: status.value,
          id: id.value.trim(),
          from: toEpoch(from.value),
          to: toEpoch(to.value),
        };
        location.hash = `#/executions${query(next)}`;
      },
    },
    h('label', {}, 'Status ', status),
    h('label', {}, 'Id ', id),
    h('label', {}, 'Started from ', from),
    h('label', {}, 'to ', to),
    h('button', { type: 'submit', text: 'Filter' }),
  );
  const body = h('tbody');
  const table = h(
    'table',
    { class: 'table', 'data-testid': 'executions' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { text: 'Name' }),
        h('th', { text: 'State machine' }),
        h('th', { text: 'Status' }),
        h('th', { text: 'Started' }),
        h('th', { text: 'Duration' }),
        h('th', { text: 'Error' }),
      ),
    ),
    body,
  );
  const prev = h('button', { type: 'button', text: '← Newer', disabled: true });
  const next = h('button', {
    type: 'button',
    text: 'Older →',
    disabled: true,
    'data-testid': 'next-page',
  });
  const info = h('span', { class: 'muted' });

  const load = async () => {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'Loading…' })));
    try {
      const page = await api(`/executions${query({ ...filter, cursor, limit: 50 })}`);
      body.replaceChildren(
        ...(page.items.length === 0
          ? [h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No executions match.' }))]
          : page.items.map((item) =>
              h(
                'tr',
                { 'data-arn': item.executionArn },
                h('td', {}, h('a', { href: executionHref(item.executionArn), text: item.name })),
                h('td', { text: item.stateMachineArn.split(':').pop() }),
                h('td', {}, statusBadge(item.status)),
                h('td', { text: formatTime(item.startDate) }),
                h('td', {
                  text:
                    item.stopDate === undefined
                      ? 'running'
                      : formatDuration(item.stopDate - item.startDate),
                }),
                h('td', { class: 'reason', text: item.error ?? '' }),
              ),
            )),
      );
      next.disabled = page.nextCursor === undefined;
      next.onclick = () => {
        cursors.push(cursor);
        cursor = page.nextCursor;
        void load();
      };
      prev.disabled = cursors.length === 0;
      prev.onclick = () => {
        cursor = cursors.pop();
        void load();
      };
      info.textContent = `Page ${cursors.length + 1} · ${page.items.length} shown`;
      root.dataset.loaded = 'executions';
    } catch (error) {
      body.replaceChildren(
        h('tr', {}, h('td', { colspan: 6, class: 'error', text: error.message })),
      );
    }
  };

  root.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { text: 'Executions' })),
    form,
    table,
    h('div', { class: 'pager' }, prev, info, next),
  );
  void load();
  return () => undefined;
}
