/**
 * Fraud screening that explains itself: each rule that fires adds to a score and is listed with
 * why it fired, and the score against two thresholds gives approve, review or decline. A
 * blocklisted customer, merchant or email declines outright. Rules are pure; the velocity rules
 * read the customer's recent activity, which the caller fetches from the transaction store.
 */
import type { Money } from './money.js';
import { formatMoney } from './money.js';
import type { Payment, PaymentMethod } from './payment.js';

export const FraudOutcome = { Approve: 'approve', Review: 'review', Decline: 'decline' } as const;
export type FraudOutcome = (typeof FraudOutcome)[keyof typeof FraudOutcome];

/** The rules screening can fire, by stable id. */
export const FraudRuleId = {
  HighAmount: 'HIGH_AMOUNT',
  VeryHighAmount: 'VERY_HIGH_AMOUNT',
  VelocityCount: 'VELOCITY_COUNT',
  VelocityAmount: 'VELOCITY_AMOUNT',
  MethodRisk: 'METHOD_RISK',
  BlockedCustomer: 'BLOCKED_CUSTOMER',
  BlockedMerchant: 'BLOCKED_MERCHANT',
  BlockedEmail: 'BLOCKED_EMAIL',
} as const;
export type FraudRuleId = (typeof FraudRuleId)[keyof typeof FraudRuleId];

/** One rule that fired: its id, the points it added, and why, in words. */
export interface FiredRule {
  readonly rule: FraudRuleId;
  readonly points: number;
  readonly reason: string;
}

/** The result of screening one payment. */
export interface FraudAssessment {
  readonly outcome: FraudOutcome;
  readonly score: number;
  readonly rules: readonly FiredRule[];
}

/** What the customer did recently, other than the payment being screened. */
export interface CustomerActivity {
  /** Payments by the customer in the window, in any currency. */
  readonly count: number;
  /** Their total in the screened payment's currency, in minor units. */
  readonly amount_minor: number;
}

export interface FraudConfig {
  /** A score at or above this (and below decline) sends the payment to review. @default 50 */
  readonly reviewThreshold: number;
  /** A score at or above this declines the payment. @default 80 */
  readonly declineThreshold: number;
  /**
   * Amounts (minor units, per currency) at or above which HIGH_AMOUNT and VERY_HIGH_AMOUNT fire.
   * @default USD/EUR/GBP 2,000.00 and 5,000.00; JPY 300,000 and 750,000; KWD 600.000 and 1,500.000
   */
  readonly highAmount: Readonly<Record<string, number>>;
  readonly veryHighAmount: Readonly<Record<string, number>>;
  /** @default 30 */ readonly highAmountPoints: number;
  /** @default 20 (on top of HIGH_AMOUNT) */ readonly veryHighAmountPoints: number;
  /** The velocity window, in milliseconds. @default 3,600,000 (one hour) */
  readonly velocityWindowMs: number;
  /** Prior payments in the window at or above which VELOCITY_COUNT fires. @default 5 */
  readonly velocityMaxCount: number;
  /** @default 40 */ readonly velocityCountPoints: number;
  /**
   * Window totals (per currency, minor units, including this payment) above which
   * VELOCITY_AMOUNT fires; at the default, one payment at the validation limit alone does not.
   * @default USD/EUR/GBP 10,000.00; JPY 1,500,000; KWD 3,000.000
   */
  readonly velocityMaxAmount: Readonly<Record<string, number>>;
  /** @default 30 */ readonly velocityAmountPoints: number;
  /** Points each method adds; 0 fires nothing. @default credit_card 10, digital_wallet 5 */
  readonly methodPoints: Readonly<Record<PaymentMethod, number>>;
  readonly blockedCustomers: readonly string[];
  readonly blockedMerchants: readonly string[];
  /** Blocked emails, or whole domains written `@example.com`; case-insensitive. */
  readonly blockedEmails: readonly string[];
}

export const DEFAULT_FRAUD_CONFIG: FraudConfig = {
  reviewThreshold: 50,
  declineThreshold: 80,
  highAmount: { USD: 200_000, EUR: 200_000, GBP: 200_000, JPY: 300_000, KWD: 600_000 },
  veryHighAmount: { USD: 500_000, EUR: 500_000, GBP: 500_000, JPY: 750_000, KWD: 1_500_000 },
  highAmountPoints: 30,
  veryHighAmountPoints: 20,
  velocityWindowMs: 3_600_000,
  velocityMaxCount: 5,
  velocityCountPoints: 40,
  velocityMaxAmount: {
    USD: 1_000_000,
    EUR: 1_000_000,
    GBP: 1_000_000,
    JPY: 1_500_000,
    KWD: 3_000_000,
  },
  velocityAmountPoints: 30,
  methodPoints: { credit_card: 10, debit_card: 0, bank_transfer: 0, digital_wallet: 5 },
  blockedCustomers: [],
  blockedMerchants: [],
  blockedEmails: [],
};

/**
 * Screens a payment. Blocklist hits decline regardless of score; otherwise the summed points
 * decide: `>= declineThreshold` declines, `>= reviewThreshold` reviews, else approves.
 * @example
 * screenPayment(payment, { count: 0, amount_minor: 0 }) // { outcome: 'approve', score: 10, rules: [METHOD_RISK] }
 */
export function screenPayment(
  payment: Payment,
  activity: CustomerActivity,
  config: FraudConfig = DEFAULT_FRAUD_CONFIG,
): FraudAssessment {
  const rules: FiredRule[] = [];
  const { amount } = payment;
  const high = config.highAmount[amount.currency];
  const veryHigh = config.veryHighAmount[amount.currency];
  if (high !== undefined && amount.amount_minor >= high) {
    rules.push(
      fired(
        'HIGH_AMOUNT',
        config.highAmountPoints,
        `amount ${text(amount)} is at or above ${text({ ...amount, amount_minor: high })}`,
      ),
    );
  }
  if (veryHigh !== undefined && amount.amount_minor >= veryHigh) {
    rules.push(
      fired(
        'VERY_HIGH_AMOUNT',
        config.veryHighAmountPoints,
        `amount ${text(amount)} is at or above ${text({ ...amount, amount_minor: veryHigh })}`,
      ),
    );
  }
  const minutes = Math.round(config.velocityWindowMs / 60_000);
  if (activity.count >= config.velocityMaxCount) {
    rules.push(
      fired(
        'VELOCITY_COUNT',
        config.velocityCountPoints,
        `${activity.count} earlier payments by this customer in the last ${minutes} min (limit ${config.velocityMaxCount})`,
      ),
    );
  }
  const velocityMax = config.velocityMaxAmount[amount.currency];
  const windowTotal = activity.amount_minor + amount.amount_minor;
  if (velocityMax !== undefined && windowTotal > velocityMax) {
    rules.push(
      fired(
        'VELOCITY_AMOUNT',
        config.velocityAmountPoints,
        `${text({ ...amount, amount_minor: windowTotal })} paid by this customer in the last ${minutes} min, above ${text({ ...amount, amount_minor: velocityMax })}`,
      ),
    );
  }
  const methodPoints = config.methodPoints[payment.payment_method];
  if (methodPoints > 0) {
    rules.push(
      fired(
        'METHOD_RISK',
        methodPoints,
        `${payment.payment_method} carries ${methodPoints} points of risk`,
      ),
    );
  }

  let blocked = false;
  if (config.blockedCustomers.includes(payment.customer_id)) {
    blocked = true;
    rules.push(fired('BLOCKED_CUSTOMER', 100, 'customer is on the blocklist'));
  }
  if (config.blockedMerchants.includes(payment.merchant_id)) {
    blocked = true;
    rules.push(fired('BLOCKED_MERCHANT', 100, 'merchant is on the blocklist'));
  }
  if (
    payment.customer_email !== undefined &&
    isBlockedEmail(payment.customer_email, config.blockedEmails)
  ) {
    blocked = true;
    rules.push(fired('BLOCKED_EMAIL', 100, 'customer email or its domain is on the blocklist'));
  }

  const score = Math.min(
    100,
    rules.reduce((sum, rule) => sum + rule.points, 0),
  );
  const outcome: FraudOutcome =
    blocked || score >= config.declineThreshold
      ? 'decline'
      : score >= config.reviewThreshold
        ? 'review'
        : 'approve';
  return { outcome, score, rules };
}

function fired(rule: FraudRuleId, points: number, reason: string): FiredRule {
  return { rule, points, reason };
}

function text(money: Money): string {
  return `${formatMoney(money)} ${money.currency}`;
}

function isBlockedEmail(email: string, blocked: readonly string[]): boolean {
  const lower = email.toLowerCase();
  const domain = `@${lower.split('@').pop() ?? ''}`;
  return blocked.some((entry) => {
    const item = entry.toLowerCase();
    return item === lower || (item.startsWith('@') && item === domain);
  });
}
