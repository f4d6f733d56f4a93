// Manual reviews waiting: every running execution parked on a `.waitForTaskToken` task, oldest
// first, with what the reviewer needs to see. Deciding happens on the execution's page.
import { api } from './api.js';
import { formatTime, h } from './dom.js';
import { executionHref } from './executions.js';

/**
 * An amount as people read it. The payment workflow carries exact money as integer minor units
 * and a currency; the currency's number of decimals comes from the browser's currency data, and
 * the digits are placed as text, never through a float.
 */
function formatAmount(amount) {
  if (typeof amount === 'string' || typeof amount === 'number') return String(amount);
  if (!amount || !Number.isInteger(amount.amount_minor) || typeof amount.currency !== 'string')
    return '';
  let decimals = 2;
  try {
    decimals = new Intl.NumberFormat('en', {
      style: 'currency',
      currency: amount.currency,
    }).resolvedOptions().maximumFractionDigits;
  } catch {
    // unknown currency code: assume two decimals
  }
  const negative = amount.amount_minor < 0;
  const digits = String(Math.abs(amount.amount_minor)).padStart(decimals + 1, '0');
  const whole =
    decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return `${negative ? '-' : ''}${whole} ${amount.currency}`;
}

function summary(parameters) {
  const payload = parameters?.Payload ?? parameters;
  const payment = payload?.payment;
  const parts = [];
  const amount = formatAmount(payment?.amount);
  if (amount) parts.push(`${amount}${payment?.currency ? ` ${payment.currency}` : ''}`);
  if (payment?.customer_id) parts.push(`customer ${payment.customer_id}`);
  if (payload?.fraud?.score !== undefined) parts.push(`fraud score ${payload.fraud.score}`);
  if (payload?.fraud?.rules?.length) parts.push(`rules: ${payload.fraud.rules.join(', ')}`);
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
