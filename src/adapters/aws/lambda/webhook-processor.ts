/**
 * Lambda entry point of webhook-processor. NOT WIRED YET: starting executions from queued webhooks is not wired yet. The stack, its IAM grants and its
 * environment are in place; until this lands the function fails every call with a clear error
 * rather than doing something partial.
 */
export function handler(): Promise<never> {
  return Promise.reject(
    new Error(
      'webhook-processor is not wired yet: starting executions from queued webhooks is not wired yet',
    ),
  );
}
