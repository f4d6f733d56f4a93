/**
 * Validation of a payment request, with a named reason for each problem. The request is the
 * workflow's input: `{"transaction_id":"TXN-001","payment_amount":100.50,"payment_method":
 * "credit_card","customer_id":"CUST-123"}` plus optional `currency` (ISO 4217, default USD),
 * `merchant_id`, `customer_email`, `metadata` (string labels) and `payment_details` (`token`,
 * `last4`). Reasons name fields, never echo values: a rejected request may hold card data.
 */
import type { Json } from '../asl/json.js';
import { isJsonObject } from '../asl/json.js';
import { findCardData } from './card-data.js';
import type { Money } from './money.js';
import { DEFAULT_CURRENCY, formatMoney, MoneyErrorCode, parseMoney } from './money.js';
import type { Payment, PaymentMethod } from './payment.js';
import { isPaymentMethod } from './payment.js';

/** Why a payment request was rejected. */
export const ValidationReasonCode = {
  MissingField: 'MISSING_FIELD',
  InvalidField: 'INVALID_FIELD',
  InvalidAmount: MoneyErrorCode.InvalidAmount,
  TooManyDecimals: MoneyErrorCode.TooManyDecimals,
  AmountTooLarge: MoneyErrorCode.AmountTooLarge,
  UnsupportedCurrency: MoneyErrorCode.UnsupportedCurrency,
  AmountNotPositive: 'AMOUNT_NOT_POSITIVE',
  AmountBelowLimit: 'AMOUNT_BELOW_LIMIT',
  AmountAboveLimit: 'AMOUNT_ABOVE_LIMIT',
  UnsupportedMethod: 'UNSUPPORTED_METHOD',
  RawCardNumber: 'RAW_CARD_NUMBER',
  CvvPresent: 'CVV_PRESENT',
  DuplicateTransaction: 'DUPLICATE_TRANSACTION',
} as const;
export type ValidationReasonCode = (typeof ValidationReasonCode)[keyof typeof ValidationReasonCode];

/** One problem with a request: a code, the JSON path of the field, and a message for people. */
export interface ValidationReason {
  readonly code: ValidationReasonCode;
  readonly field: string;
  readonly message: string;
}

/** The smallest and largest amount accepted in one currency, in minor units, inclusive. */
export interface AmountLimit {
  readonly min_minor: number;
  readonly max_minor: number;
}

export interface ValidationConfig {
  /**
   * Accepted currencies and their amount limits; a supported ISO 4217 currency missing here is
   * `UNSUPPORTED_CURRENCY`. @default DEFAULT_AMOUNT_LIMITS
   */
  readonly limits: Readonly<Record<string, AmountLimit>>;
  /** The merchant a request without `merchant_id` is for. @default 'MERCHANT-DEFAULT' */
  readonly defaultMerchantId: string;
  /** The most metadata labels a request may carry. @default 20 */
  readonly maxMetadataKeys: number;
}

/** Default limits: 0.50 to 10,000.00 in the major currencies, equivalents in JPY and KWD. */
export const DEFAULT_AMOUNT_LIMITS: Readonly<Record<string, AmountLimit>> = {
  USD: { min_minor: 50, max_minor: 1_000_000 },
  EUR: { min_minor: 50, max_minor: 1_000_000 },
  GBP: { min_minor: 50, max_minor: 1_000_000 },
  CHF: { min_minor: 50, max_minor: 1_000_000 },
  CAD: { min_minor: 50, max_minor: 1_000_000 },
  AUD: { min_minor: 50, max_minor: 1_000_000 },
  JPY: { min_minor: 50, max_minor: 1_500_000 },
  KWD: { min_minor: 150, max_minor: 3_000_000 },
};

export const DEFAULT_VALIDATION_CONFIG: ValidationConfig = {
  limits: DEFAULT_AMOUNT_LIMITS,
  defaultMerchantId: 'MERCHANT-DEFAULT',
  maxMetadataKeys: 20,
};

export type ValidationResult =
  | { readonly ok: true; readonly payment: Payment }
  | { readonly ok: false; readonly reasons: readonly ValidationReason[] };

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

/**
 * Validates a payment request and, if it is valid, returns the payment with its amount as exact
 * money. Every problem found is reported, not only the first.
 * @example
 * validatePaymentRequest({ transaction_id: 'TXN-001', payment_amount: 100.5,
 *   payment_method: 'credit_card', customer_id: 'CUST-123' })
 * // { ok: true, payment: { amount: { amount_minor: 10050, currency: 'USD' }, ... } }
 */
export function validatePaymentRequest(
  input: Json,
  config: ValidationConfig = DEFAULT_VALIDATION_CONFIG,
): ValidationResult {
  if (!isJsonObject(input)) {
    return { ok: false, reasons: [reason('INVALID_FIELD', '$', 'Request must be a JSON object')] };
  }
  const reasons: ValidationReason[] = [];

  // Card data first: if present, nothing else about the request matters, and no later message
  // may quote it. The amount is skipped because an amount could pass Luhn by chance.
  const cardData = findCardData(input, ['payment_amount']);
  for (const field of cardData.cardNumberPaths) {
    reasons.push(reason('RAW_CARD_NUMBER', field, 'Send a payment token, never a card number'));
  }
  for (const field of cardData.cvvPaths) {
    reasons.push(reason('CVV_PRESENT', field, 'A card verification value must never be sent'));
  }

  const transactionId = requiredId(input['transaction_id'], '$.transaction_id', reasons);
  const customerId = requiredId(input['customer_id'], '$.customer_id', reasons);
  const merchantId =
    input['merchant_id'] === undefined
      ? config.defaultMerchantId
      : requiredId(input['merchant_id'], '$.merchant_id', reasons);
  const method = paymentMethod(input['payment_method'], reasons);
  const amount = money(input['payment_amount'], input['currency'], config, reasons);
  const email = optionalText(input['customer_email'], '$.customer_email', EMAIL_PATTERN, reasons);
  const metadata = metadataLabels(input['metadata'], config.maxMetadataKeys, reasons);
  const details = paymentDetails(input['payment_details'], reasons);

  if (
    reasons.length > 0 ||
    transactionId === undefined ||
    customerId === undefined ||
    merchantId === undefined ||
    method === undefined ||
    amount === undefined
  ) {
    return { ok: false, reasons };
  }
  return {
    ok: true,
    payment: {
      transaction_id: transactionId,
      amount,
      payment_method: method,
      customer_id: customerId,
      merchant_id: merchantId,
      ...(email === undefined ? {} : { customer_email: email }),
      ...(details.token === undefined ? {} : { payment_token: details.token }),
      ...(details.last4 === undefined ? {} : { last4: details.last4 }),
      metadata,
    },
  };
}

function reason(code: ValidationReasonCode, field: string, message: string): ValidationReason {
  return { code, field, message };
}

function requiredId(value: Json | undefined, field: string, reasons: ValidationReason[]) {
  if (value === undefined || value === null || value === '') {
    reasons.push(reason('MISSING_FIELD', field, `${field} is required`));
    return undefined;
  }
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    reasons.push(
      reason('INVALID_FIELD', field, `${field} must be 1-128 letters, digits, or _ . : -`),
    );
    return undefined;
  }
  return value;
}

function paymentMethod(value: Json | undefined, reasons: ValidationReason[]) {
  const field = '$.payment_method';
  if (value === undefined || value === null || value === '') {
    reasons.push(reason('MISSING_FIELD', field, `${field} is required`));
    return undefined;
  }
  if (!isPaymentMethod(value)) {
    reasons.push(
      reason(
        'UNSUPPORTED_METHOD',
        field,
        'payment_method must be credit_card, debit_card, bank_transfer or digital_wallet',
      ),
    );
    return undefined;
  }
  return value satisfies PaymentMethod;
}

function money(
  amount: Json | undefined,
  currencyInput: Json | undefined,
  config: ValidationConfig,
  reasons: ValidationReason[],
): Money | undefined {
  let currency: string = DEFAULT_CURRENCY;
  if (currencyInput !== undefined && currencyInput !== null) {
    if (typeof currencyInput !== 'string' || !/^[A-Za-z]{3}$/.test(currencyInput)) {
      reasons.push(reason('INVALID_FIELD', '$.currency', 'currency must be an ISO 4217 code'));
      return undefined;
    }
    currency = currencyInput.toUpperCase();
  }
  const limit = config.limits[currency];
  if (limit === undefined) {
    reasons.push(
      reason('UNSUPPORTED_CURRENCY', '$.currency', `Payments in ${currency} are not accepted`),
    );
    return undefined;
  }
  const field = '$.payment_amount';
  if (amount === undefined || amount === null || amount === '') {
    reasons.push(reason('MISSING_FIELD', field, `${field} is required`));
    return undefined;
  }
  const parsed = parseMoney(amount, currency);
  if (!parsed.ok) {
    reasons.push(
      reason(
        parsed.code,
        parsed.code === 'UNSUPPORTED_CURRENCY' ? '$.currency' : field,
        parsed.message,
      ),
    );
    return undefined;
  }
  const value = parsed.money;
  if (value.amount_minor <= 0) {
    reasons.push(reason('AMOUNT_NOT_POSITIVE', field, 'payment_amount must be greater than zero'));
  } else if (value.amount_minor < limit.min_minor) {
    reasons.push(
      reason(
        'AMOUNT_BELOW_LIMIT',
        field,
        `The smallest ${currency} payment is ${limitText(limit.min_minor, currency)}`,
      ),
    );
  } else if (value.amount_minor > limit.max_minor) {
    reasons.push(
      reason(
        'AMOUNT_ABOVE_LIMIT',
        field,
        `The largest ${currency} payment is ${limitText(limit.max_minor, currency)}`,
      ),
    );
  } else {
    return value;
  }
  return undefined;
}

function limitText(amountMinor: number, currency: string): string {
  return `${formatMoney({ amount_minor: amountMinor, currency })} ${currency}`;
}

function optionalText(
  value: Json | undefined,
  field: string,
  pattern: RegExp,
  reasons: ValidationReason[],
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 254 || !pattern.test(value)) {
    reasons.push(reason('INVALID_FIELD', field, `${field} is not valid`));
    return undefined;
  }
  return value;
}

function metadataLabels(
  value: Json | undefined,
  maxKeys: number,
  reasons: ValidationReason[],
): Record<string, string> {
  const field = '$.metadata';
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) {
    reasons.push(reason('INVALID_FIELD', field, 'metadata must be an object of string labels'));
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > maxKeys) {
    reasons.push(reason('INVALID_FIELD', field, `metadata holds at most ${maxKeys} labels`));
    return {};
  }
  const labels: Record<string, string> = {};
  for (const [key, item] of entries) {
    if (typeof item !== 'string' || key.length > 64 || item.length > 500) {
      reasons.push(
        reason(
          'INVALID_FIELD',
          `${field}.${key}`,
          'metadata labels are strings of at most 500 characters',
        ),
      );
      continue;
    }
    labels[key] = item;
  }
  return labels;
}

function paymentDetails(
  value: Json | undefined,
  reasons: ValidationReason[],
): { token?: string; last4?: string } {
  const field = '$.payment_details';
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value)) {
    reasons.push(reason('INVALID_FIELD', field, 'payment_details must be an object'));
    return {};
  }
  const token = optionalText(value['token'], `${field}.token`, TOKEN_PATTERN, reasons);
  const last4 = optionalText(value['last4'], `${field}.last4`, /^\d{4}$/, reasons);
  return {
    ...(token === undefined ? {} : { token }),
    ...(last4 === undefined ? {} : { last4 }),
  };
}
