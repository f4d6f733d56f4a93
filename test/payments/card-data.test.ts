import { describe, expect, it } from 'vitest';
import { containsCardNumber, findCardData, passesLuhn } from '../../src/payments/card-data.js';

describe('passesLuhn', () => {
  it.each([
    { digits: '4111111111111111', valid: true },
    { digits: '5555555555554444', valid: true },
    { digits: '378282246310005', valid: true },
    { digits: '4111111111111112', valid: false },
    { digits: '79927398713', valid: true },
    { digits: '12a4', valid: false },
  ])('says $valid for $digits', ({ digits, valid }) => {
    expect(passesLuhn(digits)).toBe(valid);
  });
});

describe('containsCardNumber', () => {
  it.each([
    { text: '4111111111111111', found: true },
    { text: 'card 4111 1111 1111 1111 here', found: true },
    { text: '4111-1111-1111-1111', found: true },
    { text: '378282246310005', found: true },
    { text: '4111111111111112', found: false },
    { text: 'TXN-001', found: false },
    // An epoch-millisecond timestamp is 13 digits; it starts with 1, which no card brand uses.
    { text: '1700000000000', found: false },
    { text: '411111111111', found: false },
  ])('finds a card number in "$text": $found', ({ text, found }) => {
    expect(containsCardNumber(text)).toBe(found);
  });
});

describe('findCardData', () => {
  it('reports paths of card numbers and CVVs, never values', () => {
    const findings = findCardData({
      payment_details: { number: '4111111111111111', CVV: '123' },
      metadata: { note: 'ok' },
      list: ['5555 5555 5555 4444'],
    });
    expect(findings).toEqual({
      cardNumberPaths: ['$.payment_details.number', '$.list[0]'],
      cvvPaths: ['$.payment_details.CVV'],
    });
  });

  it('skips the named top-level keys', () => {
    expect(findCardData({ payment_amount: 4111111111111111 }, ['payment_amount'])).toEqual({
      cardNumberPaths: [],
      cvvPaths: [],
    });
  });

  it('ignores an empty CVV field', () => {
    expect(findCardData({ cvc: '' }).cvvPaths).toEqual([]);
  });
});
