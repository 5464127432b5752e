// Proves the OBIE schedule-code grammar of standing-order frequencies: the codes this bank runs parse, the others are
// refused U025 naming the field, and each frequency's next moment is the calendar date the code describes, at the
// same time of day (month ends, negative days, weekdays, working days and quarter days included).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextOccurrence, parseFrequency, UnsupportedFrequency } from './frequency.js';

const PATH = 'Data.Initiation.MandateRelatedInformation.Frequency.Type';
const next = (type: string, after: string) => nextOccurrence(parseFrequency(type, PATH), new Date(after)).toISOString();

describe('parseFrequency', () => {
  it('parses every schedule code it runs', () => {
    assert.deepEqual(parseFrequency('EvryDay', PATH), { kind: 'every-day' });
    assert.deepEqual(parseFrequency('EvryWorkgDay', PATH), { kind: 'every-working-day' });
    assert.deepEqual(parseFrequency('IntrvlDay:14', PATH), { kind: 'interval-days', days: 14 });
    assert.deepEqual(parseFrequency('IntrvlWkDay:02:05', PATH), { kind: 'interval-weeks', weeks: 2, isoWeekday: 5 });
    assert.deepEqual(parseFrequency('IntrvlMnthDay:01:-01', PATH), { kind: 'interval-months', months: 1, dayOfMonth: -1 });
    assert.deepEqual(parseFrequency('IntrvlMnthDay:12:31', PATH), { kind: 'interval-months', months: 12, dayOfMonth: 31 });
    assert.deepEqual(parseFrequency('QtrDay:ENGLISH', PATH), { kind: 'quarter-days', calendar: 'ENGLISH' });
  });

  it('refuses NotKnown, WkInMnthDay, ISO codes and anything outside the grammar with U025 at Frequency.Type', () => {
    for (const type of [
      'NotKnown',
      'WkInMnthDay:02:03',
      'MNTH',
      'WEEK',
      'IntrvlDay:01',
      'IntrvlMnthDay:07:01',
      'IntrvlWkDay:01:08',
      'QtrDay:WELSH',
      '',
    ]) {
      assert.throws(
        () => parseFrequency(type, PATH),
        (error: unknown) => error instanceof UnsupportedFrequency && error.path === PATH,
        type,
      );
    }
  });
});

describe('nextOccurrence', () => {
  it('EvryDay, IntrvlDay: the next day, N days on, at the same time', () => {
    assert.equal(next('EvryDay', '2027-01-31T09:30:00Z'), '2027-02-01T09:30:00.000Z');
    assert.equal(next('IntrvlDay:14', '2027-12-25T08:00:00Z'), '2028-01-08T08:00:00.000Z');
  });

  it('EvryWorkgDay: Friday → Monday, Monday → Tuesday', () => {
    assert.equal(next('EvryWorkgDay', '2027-01-08T10:00:00Z'), '2027-01-11T10:00:00.000Z');
    assert.equal(next('EvryWorkgDay', '2027-01-11T10:00:00Z'), '2027-01-12T10:00:00.000Z');
  });

  it('IntrvlWkDay: from that weekday N weeks on; from another day, its first such weekday N-1 weeks on', () => {
    assert.equal(next('IntrvlWkDay:01:05', '2027-01-08T10:00:00Z'), '2027-01-15T10:00:00.000Z'); // Friday → Friday
    assert.equal(next('IntrvlWkDay:02:05', '2027-01-08T10:00:00Z'), '2027-01-22T10:00:00.000Z');
    assert.equal(next('IntrvlWkDay:01:01', '2027-01-08T10:00:00Z'), '2027-01-11T10:00:00.000Z'); // Friday → Monday
  });

  it('IntrvlMnthDay: the day later this month or N months on; 31 in a short month is its last day; -01 the last day', () => {
    assert.equal(next('IntrvlMnthDay:01:15', '2027-01-05T09:00:00Z'), '2027-01-15T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:01:15', '2027-01-15T09:00:00Z'), '2027-02-15T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:03:15', '2027-01-15T09:00:00Z'), '2027-04-15T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:01:31', '2027-01-31T09:00:00Z'), '2027-02-28T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:01:31', '2028-01-31T09:00:00Z'), '2028-02-29T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:01:-01', '2027-02-28T09:00:00Z'), '2027-03-31T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:01:-02', '2027-03-01T09:00:00Z'), '2027-03-30T09:00:00.000Z');
    assert.equal(next('IntrvlMnthDay:12:01', '2027-01-01T09:00:00Z'), '2028-01-01T09:00:00.000Z');
  });

  it('QtrDay: the next quarter day of its calendar, into the next year', () => {
    assert.equal(next('QtrDay:ENGLISH', '2027-03-25T12:00:00Z'), '2027-06-24T12:00:00.000Z');
    assert.equal(next('QtrDay:ENGLISH', '2027-12-25T12:00:00Z'), '2028-03-25T12:00:00.000Z');
    assert.equal(next('QtrDay:SCOTTISH', '2027-01-10T12:00:00Z'), '2027-02-02T12:00:00.000Z');
    assert.equal(next('QtrDay:RECEIVED', '2027-09-24T12:00:00Z'), '2027-12-20T12:00:00.000Z');
  });
});
