// Manual reviews waiting: every running execution parked on a `.waitForTaskToken` task, oldest
// first, with what the reviewer needs to see. Deciding happens on the execution's page.
import { api } from './api.js';
import { formatTime, h } from './dom.js';
import { executionHref } from './executions.js';

function summary(parameters) {
  const payload = parameters?.Payload ?? parameters;
  const payment = payload?.payment;
  const parts = [];
  if (payment?.amount !== undefined)
    parts.push(`${payment.amount} ${payment.currency ?? ''}`.trim());
  if (payment?.customer_id) parts.push(`customer ${payment.customer_id}`);
  if (payload?.fraud?.score !== undefined) parts.push(`fraud score ${payload.fraud.score}`);
  return parts.join(' · ');
}

export function showReviews(root) {
  const load = async () => {
    try {
      const data = await api('/reviews');
      root.replaceChildren(
        h(
          'div',
          { class: 'page-head' },
          h('h1', { text: 'Manual reviews waiting' }),
          h('span', { class: 'muted', text: `${data.total} waiting` }),
        ),
        data.items.length === 0
          ? h('p', { class: 'muted', text: 'Nothing is waiting for a reviewer.' })
          : h(
              'table',
              { class: 'table', 'data-testid': 'reviews' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { text: 'Execution' }),
                  h('th', { text: 'Waiting in' }),
                  h('th', { text: 'Since' }),
                  h('th', { text: 'Summary' }),
                ),
              ),
              h(
                'tbody',
                {},
                ...data.items.map((item) =>
                  h(
                    'tr',
                    { 'data-arn': item.executionArn },
                    h(
                      'td',
                      {},
                      h('a', { href: executionHref(item.executionArn), text: item.executionName }),
                    ),
                    h('td', { text: item.stateName }),
                    h('td', { text: formatTime(Date.parse(item.enteredTime)) }),
                    h('td', { text: summary(item.parameters) }),
                  ),
                ),
              ),
            ),
      );
      root.dataset.loaded = 'reviews';
    } catch (error) {
      root.replaceChildren(h('p', { class: 'error', text: error.message }));
    }
  };
  void load();
  return () => undefined;
}
