/**
 * Lambda entry point of webhook-receiver. NOT WIRED YET: reading the signing secret needs @aws-sdk/client-secrets-manager, which is not installed. The stack, its IAM grants and its
 * environment are in place; until this lands the function fails every call with a clear error
 * rather than doing something partial.
 */
export function handler(): Promise<never> {
  return Promise.reject(
    new Error(
      'webhook-receiver is not wired yet: reading the signing secret needs @aws-sdk/client-secrets-manager, which is not installed',
    ),
  );
}
