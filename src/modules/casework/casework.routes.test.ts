import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { londonToday, shiftDays } from '../../platform/format.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { phoneKey } from '../people/name-keys.js';
import { prepareReferrals } from '../referrals/referral.test-support.js';

const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care
const MANAGER = 'idva.manager@demo.harbour.example'; // Safer Futures IDVA Service, team manager
const RUTH = 'idva@demo.harbour.example'; // an IDVA in the team
const TOMASZ = 'idva2@demo.harbour.example'; // another IDVA in the team

function dateFields(name: string, iso: string): Record<string, string> {
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}

describe('IDVA casework: the queue, allocation, caseloads and the contacts log', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const clients: Record<string, WebClient> = {};
  let agencies: Record<string, string> = {};
  let caseId = '';
  let referralId = '';
  let idvaCaseId = '';
  let safePhone = '';
  let workPhone = '';
  const today = londonToday();
  const userId = async (email: string) => (await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const contactCount = async () =>
    Number(
      (
        await db()
          .selectFrom('idva_contacts')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const contact = (overrides: Record<string, string | string[]> = {}) => ({
    ...dateFields('contactOn', today),
    method: 'phone',
    contactValueId: safePhone,
    successful: 'yes',
    initiatedBy: 'idva',
    durationMinutes: '25',
    summary: 'Talked through the safety plan; she wants to stay at home.',
    ...overrides,
  });

  before(async () => {
    t = await createTestApp();
    const pid = t.partnershipId;
    agencies = await prepareReferrals(db(), pid);
    const victim = await insertPerson(db(), pid, { agency: 'CSC', given: 'Leah', family: 'Marsh', dob: '1990-02-01' });
    const perpetrator = await insertPerson(db(), pid, { agency: 'CSC', given: 'Gary', family: 'Marsh' });
    await db()
      .updateTable('people')
      .set({ voicemail_allowed: 'no', do_not_write_home: true, safe_times: 'Weekdays 10am to 2pm' })
      .where('id', '=', victim)
      .execute();
    const phone = (value: string, safe: boolean) =>
      db()
        .insertInto('person_contacts')
        .values({ partnership_id: pid, person_id: victim, kind: 'phone', value, value_key: phoneKey(value), is_safe: safe, note: null })
        .returning('id')
        .executeTakeFirstOrThrow();
    safePhone = (await phone('07700 900461', true)).id;
    workPhone = (await phone('01632 960001', false)).id;
    caseId = await insertCase(db(), pid, 'CSC', [
      { id: victim, role: 'victim' },
      { id: perpetrator, role: 'perpetrator' },
    ]);
    for (const [key, email, ip] of [
      ['practitioner', PRACTITIONER, '10.6.0.1'],
      ['manager', MANAGER, '10.6.0.2'],
      ['ruth', RUTH, '10.6.0.3'],
      ['tomasz', TOMASZ, '10.6.0.4'],
    ] as const) {
      clients[key] = new WebClient(t.app, ip);
      await clients[key].signIn(email);
    }
    // The practitioner refers the victim to the IDVA service, as they would from the case page.
    const referred = await clients.practitioner!.submit(`/cases/${caseId}/referrals/new`, `/cases/${caseId}/referrals`, {
      destination: 'idva',
      criterion: '',
      toAgencyId: agencies.IDVA!,
      reasons: 'High risk after separation; wants support to stay at home.',
      ...dateFields('referredOn', today),
      perpetratorIds: [perpetrator],
      consent: 'given',
    });
    assert.equal(referred.statusCode, 303, String(referred.headers.location));
    referralId = (await db().selectFrom('referrals').select('id').where('case_id', '=', caseId).executeTakeFirstOrThrow()).id;
  });
  after(() => t.close());

  it('lists the referral in the team’s queue; only the manager may allocate; staff outside casework are refused', async () => {
    const ruth = await clients.ruth!.get('/casework/queue');
    assert.equal(ruth.statusCode, 200);
    assert.match(ruth.body, /Leah Marsh/);
    assert.doesNotMatch(ruth.body, /name="idvaId"/, 'an IDVA sees the queue but does not allocate');
    const manager = await clients.manager!.get('/casework/queue');
    assert.match(manager.body, /name="idvaId"/);
    assert.match(manager.body, /Tomasz Brennan/);
    assert.equal((await clients.practitioner!.get('/casework/queue')).statusCode, 403);
    const refused = await clients.ruth!.post(`/casework/queue/${referralId}/allocate`, { idvaId: await userId(TOMASZ), version: '1' }, ruth.body);
    assert.equal(refused.statusCode, 403);
  });

  it('refuses an allocation with no IDVA or someone who is not one, then allocates: the referral is accepted and the case opened', async () => {
    const queue = '/casework/queue';
    const action = `/casework/queue/${referralId}/allocate`;
    await clients.manager!.submit(queue, action, { idvaId: '', version: '1' });
    assert.deepEqual(errorSummary((await clients.manager!.get(queue)).body), ['Select the IDVA to allocate the case to']);
    await clients.manager!.submit(queue, action, { idvaId: await userId(PRACTITIONER), version: '1' });
    assert.deepEqual(errorSummary((await clients.manager!.get(queue)).body), ['Select an IDVA in your team']);
    assert.equal(
      Number(
        (
          await db()
            .selectFrom('idva_cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      0,
    );

    const done = await clients.manager!.submit(queue, action, { idvaId: await userId(TOMASZ), version: '1' });
    assert.equal(done.headers.location, queue);
    const page = await clients.manager!.get(queue);
    assert.match(page.body, /The referral has been allocated/);
    assert.match(page.body, /No IDVA referrals are waiting/);
    const referral = await db().selectFrom('referrals').select(['status', 'version']).where('id', '=', referralId).executeTakeFirstOrThrow();
    assert.deepEqual(referral, { status: 'accepted', version: 2 });
    const opened = await db().selectFrom('idva_cases').selectAll().executeTakeFirstOrThrow();
    idvaCaseId = opened.id;
    assert.deepEqual([opened.case_id, opened.idva_id, opened.allocated_on, opened.status], [caseId, await userId(TOMASZ), today, 'open']);
    const audit = await db().selectFrom('audit_events').select('details').where('action', '=', 'casework.allocate').executeTakeFirstOrThrow();
    assert.equal((audit.details as { idvaId: string }).idvaId, await userId(TOMASZ));

    // Allocating again from a page loaded before: the referral has moved on, nothing changes.
    const again = await clients.manager!.post(action, { idvaId: await userId(RUTH), version: '1' }, page.body);
    assert.equal(again.headers.location, queue);
    assert.match(errorSummary((await clients.manager!.get(queue)).body)[0] ?? '', /already been allocated/);
    assert.equal(
      Number(
        (
          await db()
            .selectFrom('idva_cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      1,
    );
  });

  it('shows the case to its IDVA and the manager, with the safe-contact rules first; another IDVA gets a 404', async () => {
    assert.equal((await clients.ruth!.get(`/casework/cases/${idvaCaseId}`)).statusCode, 404);
    const page = await clients.tomasz!.get(`/casework/cases/${idvaCaseId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Check this before you contact Leah Marsh/);
    assert.match(page.body, /Do not write to their home address/);
    assert.ok(page.body.indexOf('id="safe-contact"') < page.body.indexOf('id="log-contact"'), 'the safe-contact rules come before the form');
    assert.equal((await clients.manager!.get(`/casework/cases/${idvaCaseId}`)).statusCode, 200);

    const mine = await clients.tomasz!.get('/casework');
    assert.match(mine.body, /My caseload/);
    assert.match(mine.body, /Leah Marsh/);
    assert.doesNotMatch((await clients.ruth!.get('/casework')).body, /Leah Marsh/, 'Ruth’s caseload holds only her own cases');
    const team = await clients.manager!.get('/casework');
    assert.match(team.body, /The team’s caseloads/);
    assert.match(team.body, /Tomasz Brennan[\s\S]*?<td[^>]*>1<\/td>/, 'Tomasz has one open case against the benchmark');
  });

  it('refuses a contact against the safe-contact rules until it is confirmed with a reason, then records and audits it', async () => {
    const form = `/casework/cases/${idvaCaseId}`;
    const action = `${form}/contacts`;
    await clients.tomasz!.submit(form, action, contact({ contactValueId: workPhone, voicemailLeft: 'yes', withinSafeTimes: 'no' }));
    const refused = (await clients.tomasz!.get(form)).body;
    assert.deepEqual(errorSummary(refused), [
      'This contact goes against the victim’s safe-contact rules (that number or address is not marked safe; they have not agreed to voicemail; outside their safe times). Confirm you went ahead and say why',
    ]);
    assert.match(refused, /Talked through the safety plan/, 'what was typed comes back');
    await clients.tomasz!.submit(form, action, contact({ contactValueId: workPhone, confirmUnsafe: 'yes' }));
    assert.deepEqual(errorSummary((await clients.tomasz!.get(form)).body), ['Enter why you contacted the victim against their safe-contact rules']);
    assert.equal(await contactCount(), 0);

    await clients.tomasz!.submit(
      form,
      action,
      contact({ contactValueId: workPhone, confirmUnsafe: 'yes', justification: 'Her mobile was off and the police asked us to warn her today.' }),
    );
    const saved = await db().selectFrom('idva_contacts').selectAll().executeTakeFirstOrThrow();
    assert.deepEqual(saved.unsafe_reasons, ['channel_not_safe']);
    assert.equal(saved.unsafe_justification, 'Her mobile was off and the police asked us to warn her today.');
    const audit = await db()
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('subject_id', '=', idvaCaseId)
      .where('action', 'like', 'casework.contact%')
      .execute();
    assert.deepEqual(
      audit.map((a) => [a.action, (a.details as { unsafeReasons?: string[] }).unsafeReasons]),
      [['casework.contact.unsafe', ['channel_not_safe']]],
    );
    const page = (await clients.tomasz!.get(form)).body;
    assert.match(page, /The contact has been logged/);
    assert.match(page, /Against their safe-contact rules[\s\S]*?that number or address is not marked safe/);
  });

  it('records a contact by the safe number without asking, and a letter home only with confirmation; refuses a future date', async () => {
    const form = `/casework/cases/${idvaCaseId}`;
    const action = `${form}/contacts`;
    await clients.tomasz!.submit(form, action, contact({ withinSafeTimes: 'yes' }));
    assert.equal(await contactCount(), 2);
    await clients.tomasz!.submit(form, action, contact({ method: 'letter', contactValueId: '' }));
    assert.match(errorSummary((await clients.tomasz!.get(form)).body)[0] ?? '', /they asked not to be written to at home/);
    await clients.tomasz!.submit(form, action, contact({ ...dateFields('contactOn', shiftDays(today, 1)) }));
    assert.deepEqual(errorSummary((await clients.tomasz!.get(form)).body), ['The date of the contact must be today or in the past']);
    await clients.tomasz!.submit(form, action, contact({ method: '', summary: '', successful: '' }));
    assert.deepEqual(errorSummary((await clients.tomasz!.get(form)).body), [
      'Select how the contact was made',
      'Select whether the contact was successful',
      'Enter a summary of the contact',
    ]);
    assert.equal(await contactCount(), 2);
    // A victim who rings in chose the channel: nothing to confirm.
    await clients.tomasz!.submit(form, action, contact({ contactValueId: workPhone, initiatedBy: 'victim' }));
    assert.equal(await contactCount(), 3);
    // Another IDVA cannot log on the case.
    const ruth = await clients.ruth!.get('/casework');
    const refused = await clients.ruth!.post(action, contact(), ruth.body);
    assert.equal(refused.statusCode, 404);
    assert.equal(await contactCount(), 3);
  });
});
