/**
 * Timestamps as Choice rules compare them: RFC 3339 date-times with an uppercase `T` and either an
 * uppercase `Z` or a numeric offset, compared as instants. Fractional seconds keep every digit, so
 * two timestamps a microsecond apart do not compare equal as they would through `Date`.
 */

/** An instant: whole seconds since the epoch and the fraction's digits, trailing zeros removed. */
export interface Instant {
  readonly seconds: number;
  readonly fraction: string;
}

/**
 * Parses an RFC 3339 timestamp, or returns undefined when `text` is not one. Lowercase `t`/`z`,
 * a missing offset, and impossible dates (February 30, hour 24) are not timestamps.
 * AWS: a leap second (`:60`) is refused, as Java's date-time parser refuses it.
 * Hand-written rather than a regular expression: a Choice state may parse one per rule per run.
 */
export function parseTimestamp(text: string): Instant | undefined {
  // YYYY-MM-DDTHH:MM:SS is 19 characters; at least a `Z` follows.
  if (text.length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':'
  ) {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let at = 19;
  let fraction = '';
  if (text[at] === '.') {
    let last = at + 1;
    while (last < text.length && isDigit(text.charCodeAt(last))) last++;
    if (last === at + 1) return undefined;
    let significant = last;
    while (significant > at + 1 && text[significant - 1] === '0') significant--;
    fraction = text.slice(at + 1, significant);
    at = last;
  }
  let offset = 0;
  if (text[at] === 'Z') {
    if (at + 1 !== text.length) return undefined;
  } else {
    const sign = text[at];
    const offsetHours = digits(text, at + 1, 2);
    const offsetMinutes = digits(text, at + 4, 2);
    if (
      (sign !== '+' && sign !== '-') ||
      text[at + 3] !== ':' ||
      at + 6 !== text.length ||
      offsetHours < 0 ||
      offsetMinutes < 0 ||
      offsetHours > 23 ||
      offsetMinutes > 59
    ) {
      return undefined;
    }
    offset = (sign === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  const seconds =
    daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset;
  return { seconds, fraction };
}

/** The decimal number in `text[from, from + count)`, or -1 when any of it is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.seconds !== b.seconds) return a.seconds < b.seconds ? -1 : 1;
  if (a.fraction === b.fraction) return 0;
  // Both are digit strings without trailing zeros: pad to one length and compare as text.
  const length = Math.max(a.fraction.length, b.fraction.length);
  const fa = a.fraction.padEnd(length, '0');
  const fb = b.fraction.padEnd(length, '0');
  return fa < fb ? -1 : fa > fb ? 1 : 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
