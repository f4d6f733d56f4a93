// The dashboard's entry point: a hash router over the overview, the executions list, one
// execution, the reviews waiting, transactions, and the API key field in the top bar.
/* global document, window, location, URLSearchParams */
import { apiKey, setApiKey } from './api.js';
import { showExecution } from './execution.js';
import { showExecutions } from './executions.js';
import { showOverview } from './overview.js';
import { showReviews } from './reviews.js';
import { showTransaction, showTransactions } from './transactions.js';

const view = document.getElementById('view');
let leave = () => undefined;

function route() {
  leave();
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = hash.split('?');
  const params = new URLSearchParams(search);
  delete view.dataset.loaded;
  let section;
  if (path.startsWith('/execution/')) {
    section = 'executions';
    leave = showExecution(view, decodeURIComponent(path.slice('/execution/'.length)));
  } else if (path === '/executions') {
    section = 'executions';
    leave = showExecutions(view, params);
  } else if (path.startsWith('/transaction/')) {
    section = 'transactions';
    leave = showTransaction(view, decodeURIComponent(path.slice('/transaction/'.length)));
  } else if (path === '/transactions') {
    section = 'transactions';
    leave = showTransactions(view, params);
  } else if (path === '/reviews') {
    section = 'reviews';
    leave = showReviews(view, params);
  } else {
    section = 'overview';
    leave = showOverview(view, params);
  }
  for (const link of document.querySelectorAll('[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === section);
  }
}

const keyInput = document.getElementById('apikey');
keyInput.value = apiKey();
document.getElementById('apikey-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setApiKey(keyInput.value.trim());
  route();
});

window.addEventListener('hashchange', route);
route();
