/**
 * Finding card data that must never enter paystep: a primary account number (13 to 19 digits
 * passing the Luhn check, spaces or dashes allowed between digits) anywhere in a request, and a
 * card verification value under any of its usual names. Only tokens and last four digits may be
 * stored; these checks let validation reject the rest before anything is written or logged.
 */
import type { Json } from '../asl/json.js';
import { isJsonObject } from '../asl/json.js';

/** True if the digit string passes the Luhn (mod 10) checksum. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// Runs of digits that may be separated by single spaces or dashes, as card numbers are written.
const DIGIT_RUN = /\d(?:[ -]?\d)*/g;

/**
 * True if `text` contains something that looks like a card number: a run of 13-19 digits (with
 * optional single space or dash separators) that starts like a card brand's number (2-6: Mastercard,
 * Amex, Visa, Discover, JCB...) and passes Luhn. The brand prefix keeps epoch-millisecond
 * timestamps (which start with 1) and similar ids from being mistaken for cards.
 */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(DIGIT_RUN)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && passesLuhn(digits)) {
      return true;
    }
  }
  return false;
}

/** Field names under which a card verification value travels (compared case-insensitively). */
const CVV_FIELD_NAMES = new Set([
  'cvv',
  'cvv2',
  'cvc',
  'cvc2',
  'csc',
  'cid',
  'security_code',
  'securitycode',
  'card_security_code',
  'card_verification_value',
  'verification_value',
]);

/** True if `key` is a name a card verification value travels under. */
export function isCvvFieldName(key: string): boolean {
  return CVV_FIELD_NAMES.has(key.toLowerCase().replace(/-/g, '_'));
}

/** Where in a request card data was found: JSON paths, never the values. */
export interface CardDataFindings {
  readonly cardNumberPaths: readonly string[];
  readonly cvvPaths: readonly string[];
}

/**
 * Searches every string and number in `value` for card numbers, and every key for CVV names
 * with a non-empty value. `skip` lists top-level keys not to search (the amount is a number that
 * could pass Luhn by chance).
 */
export function findCardData(value: Json, skip: readonly string[] = []): CardDataFindings {
  const cardNumberPaths: string[] = [];
  const cvvPaths: string[] = [];
  const visit = (node: Json, path: string, depth: number): void => {
    if (typeof node === 'string' || typeof node === 'number') {
      if (containsCardNumber(String(node))) cardNumberPaths.push(path);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}[${index}]`, depth + 1));
      return;
    }
    if (!isJsonObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (depth === 0 && skip.includes(key)) continue;
      const childPath = `${path}.${key}`;
      if (isCvvFieldName(key) && child !== null && child !== '') cvvPaths.push(childPath);
      visit(child, childPath, depth + 1);
    }
  };
  visit(value, '$', 0);
  return { cardNumberPaths, cvvPaths };
}
