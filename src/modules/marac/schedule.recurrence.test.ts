import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMonths, isoWeekday, meetingDates } from './schedule.recurrence.js';

describe('MARAC schedule dates', () => {
  it('meets every working day when daily', () => {
    // Thursday 1 January 2026 to Tuesday 6 January: no Saturday or Sunday.
    assert.deepEqual(meetingDates({ recurrence: 'daily', weekday: null, weekOfMonth: null, startsOn: '2025-12-01' }, '2026-01-01', '2026-01-06'), [
      '2026-01-01',
      '2026-01-02',
      '2026-01-05',
      '2026-01-06',
    ]);
  });

  it('meets on the weekday every week, from the start date', () => {
    assert.deepEqual(meetingDates({ recurrence: 'weekly', weekday: 3, weekOfMonth: null, startsOn: '2026-01-08' }, '2026-01-01', '2026-01-31'), [
      '2026-01-14',
      '2026-01-21',
      '2026-01-28',
    ]);
  });

  it('keeps a fortnightly rhythm’s own weeks whatever the first day asked for', () => {
    const rhythm = { recurrence: 'fortnightly' as const, weekday: 2, weekOfMonth: null, startsOn: '2026-01-06' };
    assert.deepEqual(meetingDates(rhythm, '2026-01-01', '2026-02-10'), ['2026-01-06', '2026-01-20', '2026-02-03']);
    assert.deepEqual(meetingDates(rhythm, '2026-01-13', '2026-02-10'), ['2026-01-20', '2026-02-03'], 'not 13 January: an off week');
    assert.deepEqual(meetingDates(rhythm, '2026-01-20', '2026-01-20'), ['2026-01-20']);
  });

  it('meets on the n-th or last weekday of each month when monthly', () => {
    const second = { recurrence: 'monthly' as const, weekday: 3, weekOfMonth: 2, startsOn: '2026-01-01' };
    assert.deepEqual(meetingDates(second, '2026-01-01', '2026-03-31'), ['2026-01-14', '2026-02-11', '2026-03-11']);
    const last = { recurrence: 'monthly' as const, weekday: 5, weekOfMonth: 5, startsOn: '2026-01-01' };
    assert.deepEqual(meetingDates(last, '2026-01-01', '2026-03-31'), ['2026-01-30', '2026-02-27', '2026-03-27']);
    assert.deepEqual(meetingDates(second, '2026-01-15', '2026-02-10'), [], 'January’s has passed, February’s is after the end');
  });

  it('counts weekdays and months as a calendar does', () => {
    assert.equal(isoWeekday('2026-01-05'), 1);
    assert.equal(isoWeekday('2026-01-11'), 7);
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2026-11-30', 3), '2027-02-28');
  });
});
