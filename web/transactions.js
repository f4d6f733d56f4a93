// Transactions: search by transaction id or customer, and one transaction's lifecycle timeline,
// audit trail and the notifications sent to the customer, with a link to its execution.
/* global location */
import { api, query } from './api.js';
import { formatTime, h, statusBadge } from './dom.js';
import { executionHref } from './executions.js';

export function transactionHref(id) {
  return `#/transaction/${encodeURIComponent(id)}`;
}

function unavailable(error) {
  return error.status === 404
    ? h('p', { class: 'muted', text: 'Transactions are not available on this server.' })
    : h('p', { class: 'error', text: error.message });
}

/** The search form and one page of results. */
export function showTransactions(root, params) {
  const id = h('input', {
    name: 'id',
    placeholder: 'Transaction id',
    value: params.get('id') ?? '',
    'data-testid': 'tx-id',
  });
  const customer = h('input', {
    name: 'customer',
    placeholder: 'Customer id',
    value: params.get('customer') ?? '',
    'data-testid': 'tx-customer',
  });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = `#/transactions${query({ id: id.value.trim(), customer: customer.value.trim() })}`;
      },
    },
    h('label', {}, 'Id ', id),
    h('label', {}, 'or customer ', customer),
    h('button', { type: 'submit', text: 'Search' }),
  );
  const body = h('tbody');
  root.replaceChildren(
    h('div', { class: 'page-head' }, h('h1', { text: 'Transactions' })),
    form,
    h(
      'table',
      { class: 'table', 'data-testid': 'transactions' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Transaction', 'Status', 'Amount', 'Method', 'Customer', 'Created'].map((t) =>
            h('th', { text: t }),
          ),
        ),
      ),
      body,
    ),
  );
  const load = async () => {
    try {
      const page = await api(
        `/transactions${query({ id: params.get('id'), customer: params.get('customer'), limit: 100 })}`,
      );
      body.replaceChildren(
        ...(page.items.length === 0
          ? [h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No transactions match.' }))]
          : page.items.map((t) =>
              h(
                'tr',
                { 'data-transaction': t.transaction_id },
                h(
                  'td',
                  {},
                  h('a', { href: transactionHref(t.transaction_id), text: t.transaction_id }),
                ),
                h('td', {}, statusBadge(t.status)),
                h('td', { class: 'amount', text: t.amount_display }),
                h('td', { text: t.payment_method.replace(/_/g, ' ') }),
                h('td', { text: t.customer_id }),
                h('td', { text: formatTime(t.created_at) }),
              ),
            )),
      );
      root.dataset.loaded = 'transactions';
    } catch (error) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, unavailable(error))));
    }
  };
  void load();
  return () => undefined;
}

function timeline(path) {
  return h(
    'ol',
    { class: 'timeline', 'data-testid': 'lifecycle' },
    ...path.map((step) =>
      h(
        'li',
        { 'data-status': step.status },
        statusBadge(step.status),
        h('div', { class: 'muted', text: formatTime(Date.parse(step.at)) }),
        h('div', { class: 'muted', text: step.actor }),
      ),
    ),
  );
}

function auditTable(entries, testid) {
  if (entries.length === 0) return h('p', { class: 'muted', text: 'None.' });
  return h(
    'table',
    { class: 'table', 'data-testid': testid },
    h(
      'thead',
      {},
      h('tr', {}, ...['When', 'Who', 'What', 'Status', 'Details'].map((t) => h('th', { text: t }))),
    ),
    h(
      'tbody',
      {},
      ...entries.map((entry) =>
        h(
          'tr',
          {},
          h('td', { text: formatTime(entry.at) }),
          h('td', { text: entry.actor }),
          h('td', { text: entry.action.replace(/_/g, ' ') }),
          h('td', {
            text: entry.to_status ? `${entry.from_status ?? '—'} → ${entry.to_status}` : '',
          }),
          h(
            'td',
            {},
            entry.details
              ? h('pre', { class: 'inline-json', text: JSON.stringify(entry.details) })
              : '',
          ),
        ),
      ),
    ),
  );
}

/** One transaction. */
export function showTransaction(root, id) {
  const load = async () => {
    try {
      const data = await api(`/transactions/${encodeURIComponent(id)}`);
      const t = data.transaction;
      root.replaceChildren(
        h(
          'div',
          { class: 'page-head' },
          h('a', { href: '#/transactions', class: 'back', text: '← Transactions' }),
        ),
        h(
          'div',
          { class: 'page-head' },
          h('h1', { text: t.transaction_id }),
          statusBadge(t.status),
        ),
        h(
          'dl',
          { class: 'facts' },
          h('dt', { text: 'Amount' }),
          h('dd', { text: t.amount_display ?? '—' }),
          h('dt', { text: 'Method' }),
          h('dd', { text: `${t.payment_method ?? '—'}${t.last4 ? ` ····${t.last4}` : ''}` }),
          h('dt', { text: 'Customer' }),
          h('dd', { text: t.customer_id ?? '—' }),
          h('dt', { text: 'Merchant' }),
          h('dd', { text: t.merchant_id ?? '—' }),
          h('dt', { text: 'Current step' }),
          h('dd', { text: t.current_step?.state ?? '—' }),
          h('dt', { text: 'Execution' }),
          h(
            'dd',
            {},
            data.executionArn
              ? h('a', {
                  href: executionHref(data.executionArn),
                  text: t.execution?.status ?? 'open',
                })
              : '—',
          ),
        ),
        h('h2', { text: 'Lifecycle' }),
        t.lifecycle.path.length === 0
          ? h('p', { class: 'muted', text: 'No status recorded yet.' })
          : timeline(t.lifecycle.path),
        h('h2', { text: 'Notifications sent' }),
        auditTable(data.notifications, 'notifications'),
        h('h2', { text: 'Audit trail' }),
        auditTable(data.audit, 'audit'),
      );
      root.dataset.loaded = 'transaction';
    } catch (error) {
      root.replaceChildren(unavailable(error));
    }
  };
  void load();
  return () => undefined;
}
