/**
 * The JSON Schema of a payment request: the body of `POST /payments` and the `data` of a
 * `payment.created` webhook event. Plain JSON Schema in the draft-04 subset, so the AWS stack's
 * API Gateway models reuse it as is. It checks shape only; the payment rules (amount limits,
 * currencies, card data) are the domain's, in src/payments/validation.ts.
 */

/** Identifiers: what src/payments/validation.ts accepts. */
export const ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
} as const;

/**
 * Transaction ids name their workflow execution, so they follow Step Functions' execution names:
 * at most 80 characters, and no `:` (which the domain would otherwise allow).
 */
export const TRANSACTION_ID_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 80,
  pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$',
} as const;

export const paymentRequestSchema = {
  title: 'PaymentRequest',
  description: 'A payment to process. Amounts are decimal numbers or strings in major units.',
  type: 'object',
  required: ['transaction_id', 'payment_amount', 'payment_method', 'customer_id'],
  additionalProperties: false,
  properties: {
    transaction_id: {
      ...TRANSACTION_ID_SCHEMA,
      description: 'Unique per payment; names its workflow.',
    },
    payment_amount: {
      type: ['number', 'string'],
      description: 'Major units, e.g. 100.50 or "100.50"; at most the currency\'s decimals.',
      pattern: '^[0-9]{1,15}(\\.[0-9]{1,3})?$',
      minimum: 0,
    },
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$', description: 'ISO 4217. Default USD.' },
    payment_method: {
      type: 'string',
      enum: ['credit_card', 'debit_card', 'bank_transfer', 'digital_wallet'],
    },
    customer_id: ID_SCHEMA,
    merchant_id: ID_SCHEMA,
    customer_email: { type: 'string', maxLength: 254 },
    metadata: {
      type: 'object',
      maxProperties: 20,
      additionalProperties: { type: 'string', maxLength: 500 },
    },
    payment_details: {
      type: 'object',
      additionalProperties: false,
      properties: {
        token: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,255}$' },
        last4: { type: 'string', pattern: '^[0-9]{4}$' },
      },
    },
  },
} as const;
