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
  // Nearly every string in a request holds fewer than 13 digits: those need no regex at all.
  if (!hasDigits(text, 13)) return false;
  // exec on the shared expression, not matchAll, which copies the expression on every call.
  DIGIT_RUN.lastIndex = 0;
  for (let match = DIGIT_RUN.exec(text); match !== null; match = DIGIT_RUN.exec(text)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && /^[2-6]/.test(digits) && passesLuhn(digits)) {
      DIGIT_RUN.lastIndex = 0;
      return true;
    }
  }
  return false;
}

/** True if `text` holds at least `count` decimal digits. */
function hasDigits(text: string, count: number): boolean {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57 && ++seen >= count) return true;
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
  const lower = key.toLowerCase();
  return CVV_FIELD_NAMES.has(lower.includes('-') ? lower.replace(/-/g, '_') : lower);
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
  const scan: Scan = { skip, path: [], cardNumberPaths: [], cvvPaths: [] };
  visit(scan, value);
  return { cardNumberPaths: scan.cardNumberPaths, cvvPaths: scan.cvvPaths };
}

/**
 * One scan's state. The walk is module functions over it rather than closures made per call:
 * the webhook route scans every body, and under tsx (esbuild keepNames) each closure made costs
 * a `__name` call, 3% of the ingest server's time (CPU profile of bench/api.ts).
 */
interface Scan {
  skip: readonly string[];
  /** The path to the node being visited, as keys and indexes: written out only for a finding. */
  path: (string | number)[];
  cardNumberPaths: string[];
  cvvPaths: string[];
}

function visit(scan: Scan, node: Json): void {
  if (typeof node === 'string' || typeof node === 'number') {
    if (containsCardNumber(String(node))) scan.cardNumberPaths.push(pathText(scan.path));
    return;
  }
  const path = scan.path;
  if (Array.isArray(node)) {
    for (let index = 0; index < node.length; index++) {
      path.push(index);
      visit(scan, node[index] as Json);
      path.pop();
    }
    return;
  }
  if (!isJsonObject(node)) return;
  for (const key of Object.keys(node)) {
    if (path.length === 0 && scan.skip.includes(key)) continue;
    const child = node[key] as Json;
    path.push(key);
    if (isCvvFieldName(key) && child !== null && child !== '') scan.cvvPaths.push(pathText(path));
    visit(scan, child);
    path.pop();
  }
}

function pathText(path: readonly (string | number)[]): string {
  let text = '$';
  for (const step of path) text += typeof step === 'number' ? `[${step}]` : `.${step}`;
  return text;
}
