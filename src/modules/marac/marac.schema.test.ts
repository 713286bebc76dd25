import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { withViewer, type DbViewer } from '../../db/viewer.js';
import { seedAdminDemo } from '../admin/admin.demo.js';
import { createTestDatabase, ownerClient, type TestDatabase } from '../../../test/support/database.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';

/** What the MARAC tables themselves refuse or hide (migration 2026-11-23T2100_marac), whatever the services do. */
describe('MARAC schema rules', () => {
  let database: TestDatabase;
  let pid: string;
  const agencies: Record<string, string> = {};
  let area: string;
  let meeting: string;
  let caseId: string;
  let item: string;
  const db = () => database.db;
  const as = (agency: string): DbViewer => ({
    kind: 'agency',
    partnershipId: pid,
    agencyId: agencies[agency]!,
    userId: '00000000-0000-4000-8000-000000000001',
  });
  const refused = async (work: Promise<unknown>, code: string) => {
    await assert.rejects(work, (error: { code?: string }) => error.code === code);
  };

  before(async () => {
    database = await createTestDatabase();
    pid = await seedAdminDemo(db(), 'Test partnership');
    for (const a of await db().selectFrom('agencies').select(['id', 'code']).execute()) agencies[a.code] = a.id;
    area = (await db().selectFrom('areas').select('id').where('code', '=', 'NORTHFIELD').executeTakeFirstOrThrow()).id;
    const victim = await insertPerson(db(), pid, { agency: 'POLICE', given: 'Ada', family: 'Arden', dob: '1990-01-01' });
    caseId = await insertCase(db(), pid, 'POLICE', [{ id: victim, role: 'victim' }]);
    meeting = (
      await db()
        .insertInto('marac_meetings')
        .values({
          partnership_id: pid,
          area_id: area,
          schedule_id: null,
          scheduled_for: null,
          meeting_date: '2030-03-05',
          starts_at: '10:00',
          place: 'Town hall',
          case_limit: 10,
          created_by: null,
          agenda_published_at: null,
          agenda_published_by: null,
          agenda_published_version: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    item = (
      await db()
        .insertInto('marac_agenda_items')
        .values({ partnership_id: pid, meeting_id: meeting, case_id: caseId, referral_id: null, position: 1, kind: 'new', added_by: null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  after(() => database.drop());

  it('lists a case once per meeting', async () => {
    await refused(
      db()
        .insertInto('marac_agenda_items')
        .values({ partnership_id: pid, meeting_id: meeting, case_id: caseId, referral_id: null, position: 2, kind: 'repeat', added_by: null })
        .execute(),
      '23505',
    );
  });

  it('refuses an action due before its meeting, and a meeting moved past its actions’ due dates', async () => {
    const action = (dueOn: string) =>
      db()
        .insertInto('marac_actions')
        .values({
          partnership_id: pid,
          agenda_item_id: item,
          meeting_id: meeting,
          meeting_date: '2030-03-05',
          case_id: caseId,
          agency_id: agencies.HOUSING!,
          assigned_user_id: null,
          description: 'Check the tenancy',
          due_on: dueOn,
          completion_note: null,
          completed_by: null,
          completed_at: null,
          reminder_sent_at: null,
          last_chased_on: null,
          created_by: null,
        })
        .execute();
    await refused(action('2030-03-04'), '23514');
    await action('2030-03-05');
    await refused(db().updateTable('marac_meetings').set({ meeting_date: '2030-03-06' }).where('id', '=', meeting).execute(), '23514');
    await db().updateTable('marac_meetings').set({ meeting_date: '2030-03-04' }).where('id', '=', meeting).execute();
    const moved = await db().selectFrom('marac_actions').select('meeting_date').where('meeting_id', '=', meeting).executeTakeFirstOrThrow();
    assert.equal(moved.meeting_date, '2030-03-04', 'the action follows its meeting’s date');
    await db().updateTable('marac_meetings').set({ meeting_date: '2030-03-05' }).where('id', '=', meeting).execute();
  });

  it('keeps a final minute as it is and amendments append-only, even for the table owner', async () => {
    const minute = await db()
      .insertInto('marac_minutes')
      .values({
        partnership_id: pid,
        agenda_item_id: item,
        case_id: caseId,
        idva_view: 'Wants to stay',
        summary: 'Heard',
        risks: null,
        drafted_by: null,
        finalised_by: null,
        finalised_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const amend = () =>
      db()
        .insertInto('marac_minute_amendments')
        .values({ partnership_id: pid, minute_id: minute.id, case_id: caseId, text: 'Correction', made_by: null, made_by_agency_id: agencies.COUNCIL! })
        .returning('id')
        .executeTakeFirstOrThrow();
    await refused(amend(), '23514');
    await db().updateTable('marac_minutes').set({ status: 'final', finalised_at: new Date() }).where('id', '=', minute.id).execute();
    await refused(db().updateTable('marac_minutes').set({ summary: 'Changed' }).where('id', '=', minute.id).execute(), '23514');
    const amendment = await amend();
    await refused(db().updateTable('marac_minute_amendments').set({ text: 'Rewritten' }).where('id', '=', amendment.id).execute(), '42501');
    await refused(db().deleteFrom('marac_minute_amendments').where('id', '=', amendment.id).execute(), '42501');
    const owner = ownerClient(database.connectionString);
    await owner.connect();
    try {
      await refused(owner.query('delete from marac_minute_amendments'), '42501');
    } finally {
      await owner.end();
    }
  });

  it('shows agenda items and research to agencies that see the case or are invited to the meeting while their agreement is in force, and to no one else', async () => {
    await db()
      .insertInto('marac_research')
      .values({
        partnership_id: pid,
        agenda_item_id: item,
        case_id: caseId,
        agency_id: agencies.POLICE!,
        known_to_agency: true,
        open_case: true,
        risks_identified: false,
        notes: null,
        recorded_by: null,
      })
      .execute();
    const seen = (viewer: DbViewer) =>
      withViewer(viewer, async () => ({
        items: (await db().selectFrom('marac_agenda_items').select('id').execute()).length,
        research: (await db().selectFrom('marac_research').select('id').execute()).length,
      }));
    const seenWithCase = (viewer: DbViewer) =>
      withViewer(viewer, async () => ({
        ...(await seen(viewer)),
        cases: (await db().selectFrom('cases').select('id').execute()).length,
        people: (await db().selectFrom('people').select('id').execute()).length,
      }));
    assert.deepEqual(await seen(as('POLICE')), { items: 1, research: 1 });
    assert.deepEqual(await seen(as('HOUSING')), { items: 0, research: 0 });

    // Invited to the meeting: Housing sees the meeting's content (and what the agenda shows), never the case or its people.
    await db()
      .insertInto('marac_meeting_agencies')
      .values({ partnership_id: pid, meeting_id: meeting, agency_id: agencies.HOUSING!, invited_by: null })
      .execute();
    assert.deepEqual(await seenWithCase(as('HOUSING')), { items: 1, research: 1, cases: 0, people: 0 });
    const shown = await withViewer(as('HOUSING'), () =>
      db().selectFrom('marac_agenda_items').select(['case_reference', 'victim_initials', 'victim_date_of_birth']).executeTakeFirstOrThrow(),
    );
    assert.deepEqual([shown.victim_initials, shown.victim_date_of_birth], ['AA', '1990-01-01'], 'the agenda’s own copy of what it shows');
    const reference = await db().selectFrom('cases').select('reference').where('id', '=', caseId).executeTakeFirstOrThrow();
    assert.equal(shown.case_reference, reference.reference);

    // Only while Housing's agreement is in force.
    const housing = await db().selectFrom('agencies').select(['isa_signed_on', 'isa_expires_on']).where('id', '=', agencies.HOUSING!).executeTakeFirstOrThrow();
    await db().updateTable('agencies').set({ isa_expires_on: '2000-01-02', isa_signed_on: '2000-01-01' }).where('id', '=', agencies.HOUSING!).execute();
    assert.deepEqual(await seen(as('HOUSING')), { items: 0, research: 0 }, 'an agreement no longer in force shows nothing');
    await db().updateTable('agencies').set(housing).where('id', '=', agencies.HOUSING!).execute();
    assert.deepEqual(await seen(as('HOUSING')), { items: 1, research: 1 });

    // Never past the case's "must not see" list.
    const restriction = await db()
      .insertInto('restrictions')
      .values({
        partnership_id: pid,
        subject_type: 'case',
        subject_id: caseId,
        blocked_agency_id: agencies.HOUSING!,
        blocked_user_id: null,
        reason: 'Test',
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    assert.deepEqual(await seen(as('HOUSING')), { items: 0, research: 0 }, 'a "must not see" entry wins over the invitation');
    await db().deleteFrom('restrictions').where('id', '=', restriction.id).execute();
    await db().deleteFrom('marac_meeting_agencies').where('meeting_id', '=', meeting).where('agency_id', '=', agencies.HOUSING!).execute();
    assert.deepEqual(await seen(as('HOUSING')), { items: 0, research: 0 });

    await db().insertInto('case_agencies').values({ partnership_id: pid, case_id: caseId, agency_id: agencies.HOUSING!, added_by: null }).execute();
    assert.deepEqual(await seen(as('HOUSING')), { items: 1, research: 1 }, 'given the case, Housing sees its MARAC content');
    await refused(
      withViewer(as('CSC'), () =>
        db()
          .insertInto('marac_agenda_items')
          .values({ partnership_id: pid, meeting_id: meeting, case_id: caseId, referral_id: null, position: 5, kind: 'new', added_by: null })
          .execute(),
      ),
      '42501',
    );
  });

  it('refuses research that reports an open case or risks without knowing the victim', async () => {
    await refused(
      sql`insert into marac_research (partnership_id, agenda_item_id, case_id, agency_id, known_to_agency, open_case, risks_identified)
        values (${pid}, ${item}, ${caseId}, ${agencies.HEALTH!}, false, true, false)`.execute(db()),
      '23514',
    );
  });
});
