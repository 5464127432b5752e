/** The hour (UTC) of the daily cut-off of international payments, on working days (Monday to Friday). */
export const INTERNATIONAL_CUT_OFF_HOUR_UTC = 15;

const DAY_MS = 24 * 3600 * 1000;

/**
 * The first cut-off at or after `at`: 15:00 UTC the same day if that is a working day and `at` is not later, else 15:00
 * UTC on the next working day. The bank accepts international payments at any time (it never rejects one for the
 * cut-off): a payment is executed at once and is expected to settle by this cut-off (OBIE `CutOffDateTime`,
 * `ExpectedSettlementDateTime`).
 */
export function nextCutOff(at: Date): Date {
  let day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  for (;;) {
    const cutOff = new Date(day + INTERNATIONAL_CUT_OFF_HOUR_UTC * 3600 * 1000);
    const weekday = cutOff.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && cutOff.getTime() >= at.getTime()) return cutOff;
    day += DAY_MS;
  }
}

/**
 * When an international payment is expected to settle: by the first cut-off after it was made, or when the scheme
 * answers if that is later (the sandbox scheme answers after `SETTLEMENT_DELAY_SECONDS`).
 */
export function expectedSettlement(createdAt: Date, settleAfter: Date | null): Date {
  const cutOff = nextCutOff(createdAt);
  return settleAfter && settleAfter.getTime() > cutOff.getTime() ? settleAfter : cutOff;
}
