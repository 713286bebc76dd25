import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zodFieldErrors } from '../../platform/routes.js';
import { answersSchema, stageDatesSchema } from './services.answers.js';
import { parseDefinition, SHIPPED_DEFINITIONS, type AggregateDefinition, type PersonDefinition } from './services.definition.js';

const definition = (id: string) => SHIPPED_DEFINITIONS.find((d) => d.id === id)!;
const ASK = definition('ask-sanctuary') as PersonDefinition;
const TRAINING = definition('training') as AggregateDefinition;
const errorsOf = (result: { success: boolean; error?: unknown }) => (result.success ? [] : zodFieldErrors(result.error as never));

describe('service definitions and answers', () => {
  it('checks a definition’s questions, outcomes and measures against each other when it is read', () => {
    const broken = structuredClone(ASK) as unknown as Record<string, any>;
    broken.outcomes[0].positive = ['maybe'];
    broken.stages.completed.questions[3].min = 10;
    broken.stages.started.questions.push({ id: 'measures_fitted', kind: 'count', max: 5, text: 'Again' });
    const parsed = parseDefinition(broken);
    assert.equal(parsed.ok, false);
    assert.deepEqual(!parsed.ok && parsed.problems.map((p) => p.field), [
      'stages.started.questions.2.id',
      'stages.completed.questions.3.max',
      'outcomes.0.positive.0',
    ]);
  });

  it('keeps scales, counts and choices within the definition’s bounds, with every problem at once', () => {
    const questions = ASK.stages.completed.questions;
    assert.deepEqual(
      errorsOf(answersSchema(questions).safeParse({ feels_safer: 'yes', repeat_incident: 'no', skills_knowledge: 'not_known', safety_after: '10' })),
      [],
    );
    assert.deepEqual(answersSchema(questions).parse({ feels_safer: 'yes', repeat_incident: 'no', skills_knowledge: 'yes', safety_after: '0' }), {
      feels_safer: 'yes',
      repeat_incident: 'no',
      skills_knowledge: 'yes',
      safety_after: 0,
    });
    assert.deepEqual(errorsOf(answersSchema(questions).safeParse({ feels_safer: 'maybe', repeat_incident: '', skills_knowledge: 'yes', safety_after: '-1' })), [
      { field: 'feels_safer', message: 'Select an answer for ‘Does the person feel safer since the measures were fitted?’' },
      { field: 'repeat_incident', message: 'Select an answer for ‘Has there been a repeat incident of domestic abuse since the measures were fitted?’' },
      { field: 'safety_after', message: '‘How safe does the person feel at home now?’ must be a whole number from 0 to 10' },
    ]);
  });

  it('reads attendees per agency, refusing a course with none', () => {
    const agencies = [
      { id: 'a1', name: 'Police' },
      { id: 'a2', name: 'Housing' },
    ];
    const fields = { course: 'awareness', knowledge_pre: '4.5', knowledge_post: '7', questionnaires: '9' };
    assert.deepEqual(answersSchema(TRAINING.fields, agencies).parse({ ...fields, 'attendees-a1': '6', 'attendees-a2': '0' }).attendees, { a1: 6 });
    assert.deepEqual(errorsOf(answersSchema(TRAINING.fields, agencies).safeParse(fields)), [
      { field: 'attendees-a1', message: 'Enter the number of attendees from at least one agency' },
    ]);
    assert.deepEqual(errorsOf(answersSchema(TRAINING.fields, agencies).safeParse({ ...fields, 'attendees-a2': 'ten' })), [
      { field: 'attendees-a2', message: 'Attendees for Housing must be a whole number from 0 to 500' },
    ]);
  });

  it('keeps stage dates in pathway order and names the clash on the date being changed', () => {
    const dates = { referred: '2026-03-01', assessed: '2026-03-10', started: '2026-03-20', completed: null, left_early: null };
    assert.equal(stageDatesSchema(ASK, 'started').safeParse(dates).success, true);
    assert.deepEqual(errorsOf(stageDatesSchema(ASK, 'completed').safeParse({ ...dates, completed: '2026-03-19' })), [
      { field: 'date', message: 'The date for ‘completed’ must be on or after the date for ‘security measures fitted’ (20 March 2026)' },
    ]);
    assert.deepEqual(errorsOf(stageDatesSchema(ASK, 'assessed').safeParse({ ...dates, assessed: '2026-03-25' })), [
      { field: 'date', message: 'The date for ‘security survey done’ must be on or before the date for ‘security measures fitted’ (20 March 2026)' },
    ]);
    assert.deepEqual(errorsOf(stageDatesSchema(ASK, 'completed').safeParse({ ...dates, started: null, completed: '2026-03-25' })), [
      { field: 'date', message: 'Record the date for ‘security measures fitted’ before recording that the person completed' },
    ]);
  });
});
