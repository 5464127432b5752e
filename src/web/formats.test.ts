// Proves that pages write money and dates the way their readers expect: customers in pounds and London days, developers in UTC.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCustomerDate, formatCustomerDateTime, formatDateTime, formatDecimalMoney, formatMoney } from './formats.js';

describe('formats', () => {
  it('formats money the way customers read it', () => {
    assert.equal(formatMoney(125_000_50n, 'GBP'), '£125,000.50');
    assert.equal(formatMoney(5n, 'EUR'), '€0.05');
    assert.equal(formatMoney(-1_234_00n, 'GBP'), '-£1,234.00');
  });

  it('formats a partner decimal amount, or shows it as sent when it cannot be read', () => {
    assert.equal(formatDecimalMoney('1250.00', 'GBP'), '£1,250.00');
    assert.equal(formatDecimalMoney('12.345', 'GBP'), '12.345 GBP');
  });

  it('writes days and moments in London time for customers, in UTC for developers', () => {
    const moment = new Date('2026-07-01T23:30:00Z');
    assert.equal(formatCustomerDate(moment), '2 July 2026');
    assert.match(formatCustomerDateTime(moment), /^2 July 2026.*00:30$/);
    assert.equal(formatDateTime(moment), '1 Jul 2026, 23:30:00 UTC');
    assert.equal(formatDateTime(null), '—');
  });
});
