// One execution: its status and error, the operator actions that apply to it (each confirmed),
// its state graph coloured by what happened, each step's input and output, and its event history.
/* global setTimeout, clearTimeout */
import { api } from './api.js';
import { confirmAction } from './confirm.js';
import { errorView, formatDuration, formatTime, h, prettyJson, statusBadge } from './dom.js';
import { legend, renderGraph } from './graph.js';

function detailsOf(event) {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails')) return value;
  }
  return undefined;
}

function jsonBlock(label, text) {
  return h(
    'div',
    { class: 'json' },
    h('div', { class: 'json-label', text: label }),
    h('pre', { text: text === undefined ? '—' : prettyJson(text) }),
  );
}

function stepPanel(step) {
  if (!step)
    return h('p', {
      class: 'muted',
      text: 'Select a state in the graph or a step in the table to see its input and output.',
    });
  return h(
    'div',
    { class: 'step-panel', 'data-testid': 'step-panel', 'data-state': step.name },
    h('h3', {}, `${step.name} `, statusBadge(step.status)),
    h('p', {
      class: 'muted',
      text: `${step.type} · entered ${formatTime(step.enteredAt)}${step.exitedAt ? ` · took ${formatDuration(step.exitedAt - step.enteredAt)}` : ''}${step.retries ? ` · retried ${step.retries}×` : ''}`,
    }),
    errorView(step.error, step.cause),
    h('div', { class: 'io' }, jsonBlock('Input', step.input), jsonBlock('Output', step.output)),
  );
}

function actions(data, reload, root) {
  const arn = data.execution.executionArn;
  const name = data.execution.name;
  const message = h('span', { class: 'action-message', 'data-testid': 'action-message' });
  const run = async (label, path, body) => {
    try {
      await api(`/execution/${path}?arn=${encodeURIComponent(arn)}`, {
        method: 'POST',
        body: { confirm: true, ...body },
      });
      message.className = 'action-message ok';
      message.textContent = `${label}: done.`;
      await reload();
    } catch (error) {
      message.className = 'action-message error';
      message.textContent = `${label} failed: ${error.message}`;
      root.querySelector('.actions')?.append(message);
    }
  };
  const buttons = [];
  if (data.waitingForReview) {
    buttons.push(
      h('button', {
        type: 'button',
        class: 'primary',
        'data-testid': 'approve',
        text: 'Approve review',
        onclick: async () => {
          const ok = await confirmAction({
            title: 'Approve this payment?',
            text: `The workflow ${name} continues and the payment is charged.`,
            confirmLabel: 'Approve',
            withNote: true,
            tone: 'primary',
          });
          if (ok)
            await run('Approve', 'review', {
              decision: 'approve',
              ...(ok.note ? { note: ok.note } : {}),
            });
        },
      }),
      h('button', {
        type: 'button',
        class: 'danger',
        'data-testid': 'reject',
        text: 'Reject review',
        onclick: async () => {
          const ok = await confirmAction({
            title: 'Reject this payment?',
            text: `The payment of ${name} is declined and the customer is told.`,
            confirmLabel: 'Reject',
            withNote: true,
          });
          if (ok)
            await run('Reject', 'review', {
              decision: 'reject',
              ...(ok.note ? { note: ok.note } : {}),
            });
        },
      }),
    );
  }
  if (data.execution.status === 'RUNNING') {
    buttons.push(
      h('button', {
        type: 'button',
        class: 'danger',
        'data-testid': 'stop',
        text: 'Stop execution',
        onclick: async () => {
          const ok = await confirmAction({
            title: 'Stop this execution?',
            text: `${name} is aborted where it stands. A stopped execution can be redriven later.`,
            confirmLabel: 'Stop',
          });
          if (ok) await run('Stop', 'stop', {});
        },
      }),
    );
  }
  if (data.execution.redriveStatus === 'REDRIVABLE') {
    buttons.push(
      h('button', {
        type: 'button',
        'data-testid': 'redrive',
        text: 'Redrive',
        onclick: async () => {
          const ok = await confirmAction({
            title: 'Redrive this execution?',
            text: `${name} restarts from the state that did not succeed, with the same input.`,
            confirmLabel: 'Redrive',
            tone: 'primary',
          });
          if (ok) await run('Redrive', 'redrive', {});
        },
      }),
    );
  }
  return h('div', { class: 'actions' }, ...buttons, message);
}

function render(root, data, selected, select, reload) {
  const e = data.execution;
  const definition = JSON.parse(data.definition);
  const selectedStep = [...data.steps].reverse().find((step) => step.name === selected);
  const steps = h(
    'table',
    { class: 'table steps', 'data-testid': 'steps' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { text: '#' }),
        h('th', { text: 'State' }),
        h('th', { text: 'Type' }),
        h('th', { text: 'Status' }),
        h('th', { text: 'Retries' }),
        h('th', { text: 'Entered' }),
        h('th', { text: 'Duration' }),
      ),
    ),
    h(
      'tbody',
      {},
      ...data.steps.map((step, i) =>
        h(
          'tr',
          {
            class: step.name === selected ? 'selected' : '',
            'data-step': step.name,
            onclick: () => select(step.name),
          },
          h('td', { text: String(i + 1) }),
          h('td', { text: step.name }),
          h('td', { text: step.type }),
          h('td', {}, statusBadge(step.status)),
          h('td', { text: step.retries ? String(step.retries) : '' }),
          h('td', { text: formatTime(step.enteredAt) }),
          h('td', { text: step.exitedAt ? formatDuration(step.exitedAt - step.enteredAt) : '' }),
        ),
      ),
    ),
  );
  const events = h(
    'table',
    { class: 'table events', 'data-testid': 'events' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { text: 'ID' }),
        h('th', { text: 'Type' }),
        h('th', { text: 'Time' }),
        h('th', { text: 'Details' }),
      ),
    ),
    h(
      'tbody',
      {},
      ...data.events.map((event) => {
        const details = detailsOf(event);
        return h(
          'tr',
          { class: /Failed|TimedOut|Aborted/.test(event.type) ? 'event-failed' : '' },
          h('td', { text: String(event.id) }),
          h('td', { text: event.type }),
          h('td', { text: formatTime(event.timestamp) }),
          h(
            'td',
            {},
            details
              ? h(
                  'details',
                  {},
                  h('summary', { text: Object.keys(details).join(', ') || '—' }),
                  h('pre', {
                    text: JSON.stringify(
                      details,
                      (k, v) =>
                        ['input', 'output', 'parameters', 'result', 'cause'].includes(k) &&
                        typeof v === 'string'
                          ? tryParse(v)
                          : v,
                      2,
                    ),
                  }),
                )
              : '',
          ),
        );
      }),
    ),
  );
  root.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('a', { href: '#/executions', class: 'back', text: '← Executions' }),
    ),
    h('div', { class: 'page-head' }, h('h1', { text: e.name }), statusBadge(e.status)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: 'State machine' }),
      h('dd', { text: data.stateMachineName }),
      h('dt', { text: 'Started' }),
      h('dd', { text: formatTime(e.startDate) }),
      h('dt', { text: 'Stopped' }),
      h('dd', { text: formatTime(e.stopDate) }),
      h('dt', { text: 'Duration' }),
      h('dd', { text: e.stopDate ? formatDuration(e.stopDate - e.startDate) : 'running' }),
      h('dt', { text: 'Redrives' }),
      h('dd', { text: String(e.redriveCount) }),
      h('dt', { text: 'ARN' }),
      h('dd', { class: 'mono', text: e.executionArn }),
      ...(e.error ? [h('dt', { text: 'Error' }), h('dd', {}, errorView(e.error, e.cause))] : []),
    ),
    actions(data, reload, root),
    h(
      'div',
      { class: 'execution-body' },
      h(
        'section',
        { class: 'graph-box' },
        h('h2', { text: 'Graph' }),
        h(
          'div',
          { class: 'legend' },
          ...legend.map(([key, label]) =>
            h('span', { class: `legend-item status-${key}` }, h('i'), label),
          ),
        ),
        h(
          'div',
          { class: 'graph-scroll', 'data-testid': 'graph' },
          renderGraph(
            definition,
            data.states,
            select,
            data.steps.map((step) => step.name),
          ),
        ),
      ),
      h('section', { class: 'detail-box' }, h('h2', { text: 'Step' }), stepPanel(selectedStep)),
    ),
    h('h2', { text: 'Steps' }),
    steps,
    h('h2', {
      text: `Event history (${data.eventCount} events${data.eventCount > data.events.length ? `, first ${data.events.length} shown` : ''})`,
    }),
    events,
    h('h2', { text: 'Execution input and output' }),
    h('div', { class: 'io' }, jsonBlock('Input', e.input), jsonBlock('Output', e.output)),
  );
  root.dataset.loaded = 'execution';
}

/** The step an operator most likely opened the page for: running, failed, caught, or the last. */
function interestingStep(steps) {
  for (const status of ['running', 'failed', 'caught']) {
    const step = [...steps].reverse().find((one) => one.status === status);
    if (step) return step;
  }
  return steps[steps.length - 1];
}

function tryParse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Shows the execution named by `arn` in `root`, refreshing it while it runs. */
export function showExecution(root, arn) {
  let data;
  let selected;
  let stopped = false;
  let timer;
  const select = (name) => {
    selected = name;
    render(root, data, selected, select, load);
  };
  const load = async () => {
    clearTimeout(timer);
    try {
      data = await api(`/execution?arn=${encodeURIComponent(arn)}`);
      if (stopped) return;
      selected ??= interestingStep(data.steps)?.name;
      render(root, data, selected, select, load);
      // A running execution moves on its own; follow it, as the console does.
      if (data.execution.status === 'RUNNING') timer = setTimeout(() => void load(), 2000);
    } catch (error) {
      if (!stopped) root.replaceChildren(h('p', { class: 'error', text: error.message }));
    }
  };
  root.replaceChildren(h('p', { class: 'muted', text: 'Loading…' }));
  void load();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
