import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTimeline, type TimelineInput } from './case.timeline.js';

describe('case timeline', () => {
  const event = (seq: number, action: string, details: Record<string, string>) => ({
    seq,
    occurred_at: new Date(Date.UTC(2026, 0, seq, 10)),
    action,
    details,
    user_name: 'Nadia Sorensen',
    agency_name: 'Children’s Social Care',
  });
  const input = (people: [string, string][]): TimelineInput => ({
    events: [event(1, 'case.person.add', { personId: 'p1', role: 'perpetrator' }), event(2, 'case.person.remove', { personId: 'p1', role: 'perpetrator' })],
    history: [],
    current: { status: 'open', closed_on: null, flags: [] } as never,
    names: { people: new Map(people), agencies: new Map(), restrictions: new Map() },
    showRestrictions: false,
  });

  it('tells who was added to and taken off the case, newest first', () => {
    assert.deepEqual(
      buildTimeline(input([['p1', 'Dorian Blake']])).map((e) => e.text),
      ['Perpetrator taken off the case: Dorian Blake', 'Perpetrator added: Dorian Blake'],
    );
  });

  it('leaves out both when the viewer may not see the person', () => {
    assert.deepEqual(buildTimeline(input([])), []);
  });
});
