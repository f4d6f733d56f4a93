import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkPaths,
  estimateMonthlyCost,
  PRICE_TABLE,
} from '../../../src/adapters/aws/cost-estimate.js';

const definition = readFileSync(
  new URL('../../../src/payments/workflow/payment-workflow.asl.json', import.meta.url),
  'utf8',
);

describe('estimateMonthlyCost', () => {
  it('names only states of the shared definition on its outcome paths', () => {
    const paths = checkPaths(definition);
    expect(paths.completed.tasks).toBe(5);
    expect(paths.rejected.transitions).toBeLessThan(paths.completed.transitions);
  });

  it('bills Step Functions per 1,000 transitions of the paths taken', () => {
    const estimate = estimateMonthlyCost(
      {
        paymentsPerDay: 1000,
        retriesPerPayment: 0,
        outcomeShares: { declined: 0, rejected: 0, failed: 0 },
      },
      definition,
    );
    const perPayment = checkPaths(definition).completed.transitions + 1;
    expect(estimate.transitionsPerMonth).toBe(30_000 * perPayment);
    const sfn = estimate.lines.find((l) => l.service.startsWith('Step Functions'));
    expect(sfn?.usd).toBeCloseTo(
      (30_000 * perPayment * PRICE_TABLE.stepFunctionsPer1000Transitions) / 1000,
      2,
    );
  });

  it('grows with volume and carries the price table date', () => {
    const small = estimateMonthlyCost({ paymentsPerDay: 2000 }, definition);
    const large = estimateMonthlyCost({ paymentsPerDay: 20_000 }, definition);
    expect(large.totalUsd).toBeGreaterThan(small.totalUsd);
    expect(small.pricesAsOf).toBe(PRICE_TABLE.asOf);
    expect(small.totalUsd).toBeCloseTo(
      small.lines.reduce((s, l) => s + l.usd, 0),
      2,
    );
  });

  it('refuses outcome shares above 100%', () => {
    expect(() =>
      estimateMonthlyCost(
        { paymentsPerDay: 1, outcomeShares: { declined: 0.9, failed: 0.2 } },
        definition,
      ),
    ).toThrow(RangeError);
  });

  it('refuses a definition that lacks a state of a path', () => {
    expect(() => checkPaths('{"States":{}}')).toThrow(/unknown states/);
  });
});
