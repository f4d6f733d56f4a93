/**
 * A payment as paystep holds it once validated: exact money, a supported method, and payment
 * method details as a token and last four digits only. This is the shape the workflow carries in
 * `$.payment` from step to step, so every handler can take what it needs from its own input.
 */
import type { Json, JsonObject } from '../asl/json.js';
import { isJsonObject } from '../asl/json.js';
import type { Money } from './money.js';
import { isMoney } from './money.js';
import { InvalidInputError } from './errors.js';

/** The payment methods paystep accepts. */
export const PaymentMethod = {
  CreditCard: 'credit_card',
  DebitCard: 'debit_card',
  BankTransfer: 'bank_transfer',
  DigitalWallet: 'digital_wallet',
} as const;
export type PaymentMethod = (typeof PaymentMethod)[keyof typeof PaymentMethod];

/** True if `value` is a supported payment method. */
export function isPaymentMethod(value: unknown): value is PaymentMethod {
  return typeof value === 'string' && Object.values<string>(PaymentMethod).includes(value);
}

/** A validated payment. Field names follow the request's snake_case JSON. */
export interface Payment {
  readonly transaction_id: string;
  readonly amount: Money;
  readonly payment_method: PaymentMethod;
  readonly customer_id: string;
  readonly merchant_id: string;
  readonly customer_email?: string;
  /** The gateway's token for the payment method; absent means the customer's default method. */
  readonly payment_token?: string;
  /** Last four digits of the card or account, for receipts and support. */
  readonly last4?: string;
  /** Free-form string labels from the caller, checked for card data like everything else. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The payment as a JSON object, for the workflow state and for storage. */
export function paymentToJson(payment: Payment): JsonObject {
  return JSON.parse(JSON.stringify(payment)) as JsonObject;
}

/**
 * Reads a payment that an earlier step validated (e.g. `$.payment`), checking its shape: a
 * malformed one means the workflow wiring is wrong, which is `Payment.InvalidInput`.
 */
export function paymentFromJson(value: Json | undefined): Payment {
  if (!isJsonObject(value)) throw new InvalidInputError('Input has no payment object');
  const text = (key: string): string | undefined => {
    const field = value[key];
    return typeof field === 'string' ? field : undefined;
  };
  const transactionId = text('transaction_id');
  const customerId = text('customer_id');
  const merchantId = text('merchant_id');
  const method = value['payment_method'];
  const amount = value['amount'];
  if (transactionId === undefined || customerId === undefined || merchantId === undefined) {
    throw new InvalidInputError('Payment lacks transaction_id, customer_id or merchant_id');
  }
  if (!isPaymentMethod(method)) throw new InvalidInputError('Payment has no valid payment_method');
  if (!isMoney(amount)) throw new InvalidInputError('Payment has no valid amount');
  const metadata: Record<string, string> = {};
  const rawMetadata = value['metadata'];
  if (isJsonObject(rawMetadata)) {
    for (const [key, item] of Object.entries(rawMetadata)) {
      if (typeof item === 'string') metadata[key] = item;
    }
  }
  const email = text('customer_email');
  const token = text('payment_token');
  const last4 = text('last4');
  return {
    transaction_id: transactionId,
    amount: { amount_minor: amount.amount_minor, currency: amount.currency },
    payment_method: method,
    customer_id: customerId,
    merchant_id: merchantId,
    ...(email === undefined ? {} : { customer_email: email }),
    ...(token === undefined ? {} : { payment_token: token }),
    ...(last4 === undefined ? {} : { last4 }),
    metadata,
  };
}
