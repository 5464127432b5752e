// Proves that UK calendar days begin at 00:00 Europe/London on both sides of the clock changes (23- and 25-hour days), and that day numbers, weekdays and month lengths (leap years too) are plain calendar arithmetic.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { civilDateOf, dayNumberOf, daysInMonth, isoWeekdayOf, ukDayOf, ukStartOfDay } from './uk-calendar.js';

const day = (text: string): number => {
  const [year, month, date] = text.split('-').map(Number) as [number, number, number];
  return dayNumberOf({ year, month, day: date });
};

describe('uk-calendar', () => {
  test('day numbers ↔ calendar dates, 1970-01-01 is day 0 and a Thursday', () => {
    assert.equal(day('1970-01-01'), 0);
    assert.deepEqual(civilDateOf(day('2024-02-29')), { year: 2024, month: 2, day: 29 });
    assert.equal(isoWeekdayOf(0), 4);
    assert.equal(isoWeekdayOf(day('2024-06-03')), 1); // a Monday
    assert.equal(isoWeekdayOf(day('2024-06-09')), 7); // a Sunday
    assert.equal(isoWeekdayOf(day('1969-12-29')), 1); // before day 0
  });

  test('month lengths, leap years included', () => {
    assert.equal(daysInMonth(2024, 2), 29);
    assert.equal(daysInMonth(2025, 2), 28);
    assert.equal(daysInMonth(2100, 2), 28);
    assert.equal(daysInMonth(2000, 2), 29);
    assert.equal(daysInMonth(2025, 12), 31);
  });

  test('winter days start at 00:00 UTC, summer days at 23:00 UTC the evening before', () => {
    assert.deepEqual(ukStartOfDay(day('2024-01-15')), new Date('2024-01-15T00:00:00Z'));
    assert.deepEqual(ukStartOfDay(day('2024-07-15')), new Date('2024-07-14T23:00:00Z'));
  });

  test('the spring change (31 March 2024) → a 23-hour day; the autumn change (27 October 2024) → a 25-hour day', () => {
    assert.deepEqual(ukStartOfDay(day('2024-03-31')), new Date('2024-03-31T00:00:00Z'));
    assert.deepEqual(ukStartOfDay(day('2024-04-01')), new Date('2024-03-31T23:00:00Z'));
    assert.deepEqual(ukStartOfDay(day('2024-10-27')), new Date('2024-10-26T23:00:00Z'));
    assert.deepEqual(ukStartOfDay(day('2024-10-28')), new Date('2024-10-28T00:00:00Z'));
  });

  test('the UK day of an instant: the instant before, at and after midnight BST', () => {
    assert.equal(ukDayOf(new Date('2024-07-14T22:59:59.999Z')), day('2024-07-14'));
    assert.equal(ukDayOf(new Date('2024-07-14T23:00:00Z')), day('2024-07-15'));
    assert.equal(ukDayOf(new Date('2024-10-27T00:30:00Z')), day('2024-10-27')); // 01:30 BST, before the change
    assert.equal(ukDayOf(new Date('2024-10-27T01:30:00Z')), day('2024-10-27')); // 01:30 GMT, after it
  });

  test('the UK day of every quarter hour around the 2025 and 2030 clock changes, and of instants before 1981 → the date Intl gives in Europe/London', () => {
    const ukDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });
    const instants: Date[] = [new Date('1970-06-01T23:30:00Z'), new Date('1968-11-01T12:00:00Z'), new Date('1980-12-31T23:59:59Z')];
    for (const change of ['2025-03-30T01:00:00Z', '2025-10-26T01:00:00Z', '2030-03-31T01:00:00Z', '2030-10-27T01:00:00Z']) {
      for (let minutes = -26 * 60; minutes <= 26 * 60; minutes += 15) instants.push(new Date(Date.parse(change) + minutes * 60_000 - 1));
    }
    for (const instant of instants) assert.equal(ukDayOf(instant), day(ukDate.format(instant)), instant.toISOString());
  });
});
