/**
 * Lambda entry point of payment-api. NOT WIRED YET: the API routes (src/api) for API Gateway events are not wired yet. The stack, its IAM grants and its
 * environment are in place; until this lands the function fails every call with a clear error
 * rather than doing something partial.
 */
export function handler(): Promise<never> {
  return Promise.reject(
    new Error(
      'payment-api is not wired yet: the API routes (src/api) for API Gateway events are not wired yet',
    ),
  );
}
