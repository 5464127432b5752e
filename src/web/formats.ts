import { formatMoney } from '../domain/customer-text.js';
import { parseAmount } from '../domain/money.js';

export { formatCustomerDate, formatMoney } from '../domain/customer-text.js';

/** A partner's decimal amount (`"1250.00"`) as a customer reads money (`£1,250.00`); as sent if it cannot be read. */
export function formatDecimalMoney(amount: string, currency: string): string {
  try {
    return formatMoney(parseAmount(amount, currency), currency);
  } catch {
    return `${amount} ${currency}`;
  }
}

const CUSTOMER_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
});
const UTC_DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: 'UTC',
});

/** A moment as a UK customer reads it (`7 December 2026 at 09:30`, London time). */
export function formatCustomerDateTime(date: Date): string {
  return CUSTOMER_DATE_TIME.format(date);
}

/** A moment for developers and operators, in UTC (what the API uses); `—` for none. */
export function formatDateTime(date: Date | null): string {
  if (!date) return '—';
  return `${UTC_DATE_TIME.format(date)} UTC`;
}
