/** An hour and a day, in milliseconds (UTC days: the seed knows no daylight saving). */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Scheduling on UTC calendar days within the history window. */
export class Calendar {
  readonly days: readonly number[];

  constructor(
    private readonly windowStart: number,
    private readonly anchor: number,
  ) {
    const days: number[] = [];
    for (let day = startOfDay(windowStart); day < anchor; day += DAY_MS) days.push(day);
    this.days = days;
  }

  static isWeekend(day: number): boolean {
    const weekday = new Date(day).getUTCDay();
    return weekday === 0 || weekday === 6;
  }

  /** Start of each day in the window on which a monthly item falls, moved off weekends. */
  monthly(dayOfMonth: number, shift: 'earlier' | 'later'): number[] {
    const start = new Date(this.windowStart);
    const end = new Date(this.anchor);
    const months = (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth();
    const days: number[] = [];
    for (let offset = -1; offset <= months; offset += 1) {
      let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + offset, dayOfMonth);
      while (Calendar.isWeekend(day)) day += shift === 'earlier' ? -DAY_MS : DAY_MS;
      if (day + DAY_MS > this.windowStart && day < this.anchor) days.push(day);
    }
    return days;
  }
}

/** The start of the UTC day of `ms`. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
