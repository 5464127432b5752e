import { formatAmount } from './money.js';

/** `1234n GBP` → `£12.34`, as a customer reads money (pages and the bank's mail alike). */
export function formatMoney(amountMinor: bigint, currency: string): string {
  const [units = '0', fraction] = formatAmount(amountMinor, currency).split('.');
  const symbol = currency === 'GBP' ? '£' : currency === 'EUR' ? '€' : `${currency} `;
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amountMinor < 0n ? '-' : ''}${symbol}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

const CUSTOMER_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });

/** A day as a UK customer reads it (`7 December 2026`, London time). */
export function formatCustomerDate(date: Date): string {
  return CUSTOMER_DATE.format(date);
}
