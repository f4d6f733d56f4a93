/**
 * Money as paystep holds it: an integer count of the currency's minor units (cents, yen, fils)
 * and an ISO 4217 code, never a float. Amounts arrive as JSON numbers or decimal strings; this
 * module turns their decimal text into minor units exactly, by moving the decimal point in the
 * digits, so 100.50 USD is 10050 and 0.1 is 10, with no binary rounding on the way.
 */

/** An amount of money. `amount_minor` is a safe integer (|n| <= 2^53 - 1) of minor units. */
export interface Money {
  readonly amount_minor: number;
  /** ISO 4217 alphabetic code, upper case (`USD`, `JPY`, `KWD`). */
  readonly currency: string;
}

/**
 * Minor-unit exponents (ISO 4217 "minor unit") of the currencies paystep accepts. A currency not
 * listed here is rejected rather than guessed: a wrong exponent mis-charges by a factor of 10.
 */
export const CurrencyExponent = {
  USD: 2,
  EUR: 2,
  GBP: 2,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  NZD: 2,
  SEK: 2,
  NOK: 2,
  DKK: 2,
  PLN: 2,
  CZK: 2,
  HUF: 2,
  RON: 2,
  INR: 2,
  CNY: 2,
  HKD: 2,
  SGD: 2,
  MYR: 2,
  THB: 2,
  PHP: 2,
  IDR: 2,
  BRL: 2,
  MXN: 2,
  ARS: 2,
  COP: 2,
  ZAR: 2,
  NGN: 2,
  KES: 2,
  EGP: 2,
  AED: 2,
  SAR: 2,
  ILS: 2,
  TRY: 2,
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  PYG: 0,
  UGX: 0,
  XAF: 0,
  XOF: 0,
  KWD: 3,
  BHD: 3,
  JOD: 3,
  OMR: 3,
  TND: 3,
  IQD: 3,
  LYD: 3,
} as const satisfies Record<string, number>;
export type CurrencyCode = keyof typeof CurrencyExponent;

/** The currency assumed when a payment names none. */
export const DEFAULT_CURRENCY: CurrencyCode = 'USD';

/** Why an amount could not be turned into money. */
export const MoneyErrorCode = {
  InvalidAmount: 'INVALID_AMOUNT',
  TooManyDecimals: 'TOO_MANY_DECIMALS',
  AmountTooLarge: 'AMOUNT_TOO_LARGE',
  UnsupportedCurrency: 'UNSUPPORTED_CURRENCY',
} as const;
export type MoneyErrorCode = (typeof MoneyErrorCode)[keyof typeof MoneyErrorCode];

export type ParseMoneyResult =
  | { readonly ok: true; readonly money: Money }
  | { readonly ok: false; readonly code: MoneyErrorCode; readonly message: string };

/** True if `code` is a currency paystep knows the exponent of. */
export function isSupportedCurrency(code: string): code is CurrencyCode {
  return Object.prototype.hasOwnProperty.call(CurrencyExponent, code);
}

/** The number of minor-unit digits of a supported currency (USD 2, JPY 0, KWD 3). */
export function currencyExponent(currency: CurrencyCode): number {
  return CurrencyExponent[currency];
}

// A plain decimal (strings) or what JavaScript prints for a number (which may use an exponent).
const DECIMAL_STRING = /^(-?)(\d+)(?:\.(\d+))?$/;
const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/**
 * Converts an amount given as a JSON number or a decimal string into exact minor units.
 *
 * A number is read through its shortest round-trip decimal text (`String(100.5)` is `"100.5"`),
 * which is the decimal the sender wrote; strings must be plain decimals (`"100.50"`, no exponent,
 * no spaces). More fractional digits than the currency has is `TOO_MANY_DECIMALS`, zeros included:
 * a sender writing `"1000.00"` JPY or `"1.000"` USD is unsure which currency it means, and
 * guessing mis-charges by a factor of 100 or 1000. Amounts beyond 2^53 - 1 minor units are
 * `AMOUNT_TOO_LARGE` (no payment comes near that; every limit is far lower).
 *
 * @example parseMoney(100.5, 'USD') // { ok: true, money: { amount_minor: 10050, currency: 'USD' } }
 * @example parseMoney('1000', 'JPY') // { ok: true, money: { amount_minor: 1000, currency: 'JPY' } }
 */
export function parseMoney(amount: unknown, currency: string): ParseMoneyResult {
  if (!isSupportedCurrency(currency)) {
    return fail(
      MoneyErrorCode.UnsupportedCurrency,
      `Currency ${JSON.stringify(currency)} is not supported`,
    );
  }
  const digits = decimalParts(amount);
  if (digits === undefined) {
    return fail(MoneyErrorCode.InvalidAmount, 'Amount must be a decimal number or decimal string');
  }
  const exponent = currencyExponent(currency);
  const { negative, integer, fraction } = digits;
  if (fraction.length > exponent) {
    return fail(
      MoneyErrorCode.TooManyDecimals,
      `${currency} amounts have at most ${exponent} decimal places`,
    );
  }
  const minor = BigInt(integer + fraction.padEnd(exponent, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    return fail(MoneyErrorCode.AmountTooLarge, 'Amount is too large to represent exactly');
  }
  const value = Number(minor);
  return { ok: true, money: { amount_minor: negative && value !== 0 ? -value : value, currency } };
}

/**
 * The decimal text of a money amount in major units, with exactly the currency's decimals.
 * @example formatMoney({ amount_minor: 10050, currency: 'USD' }) // '100.50'
 */
export function formatMoney(money: Money): string {
  const exponent = isSupportedCurrency(money.currency) ? currencyExponent(money.currency) : 2;
  const negative = money.amount_minor < 0;
  const text = String(Math.abs(money.amount_minor)).padStart(exponent + 1, '0');
  const integer = text.slice(0, text.length - exponent);
  const fraction = exponent > 0 ? `.${text.slice(text.length - exponent)}` : '';
  return `${negative ? '-' : ''}${integer}${fraction}`;
}

/** True if `value` has the shape of Money (a safe integer and a three-letter code). */
export function isMoney(value: unknown): value is Money {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    Number.isSafeInteger(candidate['amount_minor']) &&
    typeof candidate['currency'] === 'string' &&
    /^[A-Z]{3}$/.test(candidate['currency'])
  );
}

interface DecimalParts {
  negative: boolean;
  /** Integer digits, with the exponent already applied. */
  integer: string;
  /** Fractional digits, with the exponent already applied. */
  fraction: string;
}

function decimalParts(amount: unknown): DecimalParts | undefined {
  let match: RegExpExecArray | null;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) return undefined;
    match = NUMBER_TEXT.exec(String(amount));
  } else if (typeof amount === 'string') {
    match = DECIMAL_STRING.exec(amount);
  } else {
    return undefined;
  }
  if (match === null) return undefined;
  const [, sign = '', integer = '', fraction = '', exponentText = '0'] = match;
  return shiftPoint(sign === '-', integer, fraction, Number(exponentText));
}

/** Moves the decimal point of `integer.fraction` by `shift` places (right if positive). */
function shiftPoint(
  negative: boolean,
  integer: string,
  fraction: string,
  shift: number,
): DecimalParts {
  const all = integer + fraction;
  let point = integer.length + shift;
  let padded = all;
  if (point < 0) {
    padded = '0'.repeat(-point) + all;
    point = 0;
  } else if (point > all.length) {
    padded = all + '0'.repeat(point - all.length);
  }
  const intPart = padded.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  return { negative, integer: intPart, fraction: padded.slice(point) };
}

function fail(code: MoneyErrorCode, message: string): ParseMoneyResult {
  return { ok: false, code, message };
}
