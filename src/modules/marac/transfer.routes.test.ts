import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { londonToday, shiftDays } from '../../platform/format.js';
import { systemActor, userActor } from '../../platform/request-context.js';
import { keyIdOf, privateKeyPem, publicKeyPem } from '../../platform/signing-keys.js';
import { createTestApp, errorSummary, WebClient, type TestApp } from '../../../test/support/app.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';
import { createApiToken } from '../admin/admin.service.js';
import { ensureShippedInstruments } from '../risk/risk.service.js';
import { placeReferral } from './agenda.service.js';
import { demoIds, insertAcceptedReferral, insertMeeting, type MaracCase } from './marac.test-support.js';
import { signPacket, type Envelope, type TransferPayload } from './transfer.packet.js';
import { revokeKey, trustKey } from './transfer.service.js';

const COORDINATOR = 'coordinator@demo.harbour.example'; // Council: the MARAC agency
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care

const newKey = () => generateKeyPairSync('ed25519').privateKey;

/** Two partnerships, each in its own Harbour database with its own signing key: A sends, B receives. */
describe('MARAC-to-MARAC transfers between two Harbour databases', () => {
  const keyA = newKey();
  const keyB = newKey();
  let a: TestApp;
  let b: TestApp;
  let sent: MaracCase;
  let hidden: MaracCase;
  const clients: Record<string, WebClient> = {};
  let packet: string;
  let apiToken: string;

  const count = async (t: TestApp) => {
    const db = t.database.db;
    const n = async (table: 'cases' | 'people' | 'referrals' | 'marac_transfers' | 'person_contacts') =>
      Number((await db.selectFrom(table).select(db.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return {
      cases: await n('cases'),
      people: await n('people'),
      referrals: await n('referrals'),
      transfers: await n('marac_transfers'),
      contacts: await n('person_contacts'),
    };
  };
  const auditOf = (t: TestApp, action: string) =>
    t.database.db.selectFrom('audit_events').select(['outcome', 'subject_id', 'details']).where('action', '=', action).orderBy('seq').execute();
  const importPage = (packetText: string) => clients.coordB!.submit('/marac/transfers/import', '/marac/transfers/import', { packet: packetText });

  before(async () => {
    a = await createTestApp({ HARBOUR_TRANSFER_SIGNING_KEY: privateKeyPem(keyA), HARBOUR_PARTNERSHIP_NAME: 'Eastshire Domestic Abuse Partnership' });
    b = await createTestApp({ HARBOUR_TRANSFER_SIGNING_KEY: privateKeyPem(keyB), HARBOUR_PARTNERSHIP_NAME: 'Westshire Domestic Abuse Partnership' });
    const dbA = a.database.db;
    const pidA = a.partnershipId;
    const { agencies, areas } = await demoIds(dbA);

    // In A: a case the coordinator sees (referred to MARAC, so shared with the Council), with what a packet carries.
    sent = await insertAcceptedReferral(dbA, pidA, {
      owner: 'HOUSING',
      victim: { given: 'Leah', family: 'Marsh', dob: '1990-02-01' },
      daysAgo: 40,
      band: 'high',
    });
    await dbA
      .updateTable('people')
      .set({ safe_times: 'Weekdays 10:00 to 12:00', do_not_write_home: true, voicemail_allowed: 'no', gender: 'woman', code_word: 'bluebell' })
      .where('id', '=', sent.victimId)
      .execute();
    await dbA
      .insertInto('person_contacts')
      .values([
        { partnership_id: pidA, person_id: sent.victimId, kind: 'phone', value: '07700 900123', value_key: '07700900123', is_safe: true, note: null },
        { partnership_id: pidA, person_id: sent.victimId, kind: 'phone', value: '07700 900999', value_key: '07700900999', is_safe: false, note: 'His phone' },
      ])
      .execute();
    const perpetratorId = await insertPerson(dbA, pidA, { agency: 'HOUSING', given: 'Rob', family: 'Marsh', dob: '1985-05-05' });
    await dbA
      .insertInto('case_people')
      .values({ partnership_id: pidA, case_id: sent.caseId, person_id: perpetratorId, role: 'perpetrator', relationship: 'ex_partner', lives_with: null })
      .execute();
    await ensureShippedInstruments(dbA, pidA);
    const instrument = await dbA
      .selectFrom('risk_instruments')
      .select(['instrument_id', 'version'])
      .where('partnership_id', '=', pidA)
      .executeTakeFirstOrThrow();
    await dbA
      .insertInto('risk_assessments')
      .values({
        partnership_id: pidA,
        case_id: sent.caseId,
        person_id: sent.victimId,
        instrument_id: instrument.instrument_id,
        instrument_version: instrument.version,
        status: 'submitted',
        answers: '{}',
        score: 17,
        score_band: 'high',
        level: 'high',
        judgement_rationale: null,
        bands: null,
        assessor_user_id: null,
        assessor_agency_id: agencies.HOUSING!,
        assessed_on: shiftDays(londonToday(), -41),
        victim_participated: true,
        submitted_at: new Date(),
      })
      .execute();
    const meetingId = await insertMeeting(dbA, pidA, areas.NORTHFIELD!, shiftDays(londonToday(), -20));
    const item = await dbA
      .insertInto('marac_agenda_items')
      .values({ partnership_id: pidA, meeting_id: meetingId, case_id: sent.caseId, referral_id: sent.referralId, position: 1, kind: 'new', added_by: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const minute = await dbA
      .insertInto('marac_minutes')
      .values({
        partnership_id: pidA,
        agenda_item_id: item.id,
        case_id: sent.caseId,
        idva_view: 'She wants to move away from him.',
        summary: 'Sanctuary scheme and refuge place agreed.',
        risks: 'Threats to kill.',
        status: 'final',
        drafted_by: null,
        finalised_by: null,
        finalised_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await dbA
      .insertInto('marac_minute_amendments')
      .values({
        partnership_id: pidA,
        minute_id: minute.id,
        case_id: sent.caseId,
        text: 'Police: bail conditions extended.',
        made_by: null,
        made_by_agency_id: agencies.POLICE!,
      })
      .execute();
    await dbA
      .insertInto('marac_actions')
      .values({
        partnership_id: pidA,
        agenda_item_id: item.id,
        meeting_id: meetingId,
        meeting_date: shiftDays(londonToday(), -20),
        case_id: sent.caseId,
        agency_id: agencies.POLICE!,
        assigned_user_id: null,
        description: 'Check bail conditions with the court',
        due_on: shiftDays(londonToday(), 10),
        created_by: null,
      })
      .execute();
    // A case the coordinator does not see: Police's own, never referred.
    const other = await insertPerson(dbA, pidA, { agency: 'POLICE', given: 'Hidden', family: 'Case' });
    hidden = { caseId: await insertCase(dbA, pidA, 'POLICE', [{ id: other, role: 'victim' }]), victimId: other, referralId: '', reference: '' };

    // In B: MARAC referrals go to the Council; an API token for a partner system.
    const councilB = (await b.database.db.selectFrom('agencies').select('id').where('code', '=', 'COUNCIL').executeTakeFirstOrThrow()).id;
    await b.database.db.insertInto('referral_settings').values({ partnership_id: b.partnershipId, marac_agency_id: councilB, updated_by: null }).execute();
    apiToken = (
      await createApiToken(b.database, systemActor(b.partnershipId, 'test'), { agencyCode: 'COUNCIL', scopes: ['marac:transfers'], name: 'transfers' })
    ).token;

    for (const [name, app, email, ip] of [
      ['coordA', a, COORDINATOR, '10.9.0.1'],
      ['practA', a, PRACTITIONER, '10.9.0.2'],
      ['coordB', b, COORDINATOR, '10.9.0.3'],
      ['practB', b, PRACTITIONER, '10.9.0.4'],
    ] as const) {
      clients[name] = new WebClient(app.app, ip);
      await clients[name].signIn(email);
    }
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it('exports a signed packet of a case the coordinator sees, recorded and audited', async () => {
    const form = await clients.coordA!.get(`/marac/cases/${sent.caseId}/transfer`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /07700 900123/);
    assert.doesNotMatch(form.body, /07700 900999/, 'a contact not marked safe is not sent');
    const res = await clients.coordA!.post(
      `/marac/cases/${sent.caseId}/transfer`,
      { to: 'Westshire MARAC', reason: 'She has moved to Westshire with her children.', consent: 'given' },
      form.body,
    );
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="marac-transfer-.+\.json"$/);
    assert.equal(res.headers['cache-control'], 'no-store');
    packet = res.body;
    const envelope = JSON.parse(packet) as Envelope;
    assert.equal(envelope.format, 'harbour.marac-transfer');
    assert.equal(envelope.signature.keyId, keyIdOf(keyA));
    const payload = JSON.parse(Buffer.from(envelope.payload, 'base64url').toString('utf8')) as TransferPayload;
    assert.equal(payload.from.partnership, 'Eastshire Domestic Abuse Partnership');
    assert.equal(JSON.stringify(payload).includes('bluebell'), false, 'the code word stays with the sending IDVA');

    const out = await a.database.db.selectFrom('marac_transfers').selectAll().executeTakeFirstOrThrow();
    assert.equal(out.direction, 'out');
    assert.equal(out.case_id, sent.caseId);
    assert.equal(out.packet_id, payload.packetId);
    assert.equal(out.counterpart, 'Westshire MARAC');
    const [event] = await auditOf(a, 'marac.transfer.export');
    assert.equal(event?.outcome, 'success');
    assert.equal(event?.subject_id, sent.caseId);
    assert.equal((event?.details as { packetId: string }).packetId, payload.packetId);
  });

  it('refuses an export form that is not filled in, with every problem listed', async () => {
    const form = await clients.coordA!.get(`/marac/cases/${sent.caseId}/transfer`);
    const res = await clients.coordA!.post(`/marac/cases/${sent.caseId}/transfer`, { to: '', reason: '', consent: 'refused' }, form.body);
    assert.equal(res.statusCode, 303);
    const page = await clients.coordA!.get(`/marac/cases/${sent.caseId}/transfer`);
    assert.deepEqual(errorSummary(page.body), [
      'Enter the MARAC the case is going to',
      'Enter why the case is being transferred',
      'Select the lawful basis for sharing without consent',
      'Give your reason for sharing without consent',
    ]);
  });

  it('lets only the coordinator export, and only cases they see', async () => {
    assert.equal((await clients.practA!.get(`/marac/cases/${sent.caseId}/transfer`)).statusCode, 403);
    assert.equal((await clients.coordA!.get(`/marac/cases/${hidden.caseId}/transfer`)).statusCode, 404);
    const form = await clients.coordA!.get(`/marac/cases/${sent.caseId}/transfer`);
    const res = await clients.coordA!.post(`/marac/cases/${hidden.caseId}/transfer`, { to: 'Westshire MARAC', reason: 'Moved', consent: 'given' }, form.body);
    assert.equal(res.statusCode, 404);
    assert.equal((await a.database.db.selectFrom('marac_transfers').select('id').execute()).length, 1);
    assert.equal((await clients.practB!.get('/marac/transfers/import')).statusCode, 403);
  });

  it('refuses a packet signed with a key B does not trust, writing nothing', async () => {
    const before = await count(b);
    const res = await importPage(packet);
    assert.equal(res.statusCode, 303);
    const page = await clients.coordB!.get('/marac/transfers/import');
    assert.match(errorSummary(page.body)[0] ?? '', /signed with a key this partnership does not trust/);
    assert.deepEqual(await count(b), before);
    const [event] = await auditOf(b, 'marac.transfer.import');
    assert.equal(event?.outcome, 'failure');
    assert.equal((event?.details as { error: string }).error, 'unknown_key');
  });

  it('refuses the packet with one changed byte in its payload, as changed since it was signed, writing nothing', async () => {
    await trustKey(b.database.db, systemActor(b.partnershipId, 'test'), { name: 'Eastshire DAP', publicKey: publicKeyPem(keyA) });
    const envelope = JSON.parse(packet) as Envelope;
    const at = packet.indexOf(envelope.payload) + Math.floor(envelope.payload.length / 2);
    const tampered = packet.slice(0, at) + (packet[at] === 'A' ? 'B' : 'A') + packet.slice(at + 1);
    const before = await count(b);
    await importPage(tampered);
    const page = await clients.coordB!.get('/marac/transfers/import');
    assert.deepEqual(errorSummary(page.body), [
      'The packet’s signature does not match its contents: it has been changed since it was signed, or damaged on the way. Ask the sending MARAC to send it again.',
    ]);
    assert.deepEqual(await count(b), before);
    const events = await auditOf(b, 'marac.transfer.import');
    assert.equal((events.at(-1)?.details as { error: string }).error, 'bad_signature');
  });

  it('imports the packet into B as a new case with a transfer-in referral, then hears it as a transfer in', async () => {
    const res = await importPage(packet.replace(/\n/g, '\r\n'));
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    assert.match(location, /^\/marac\/transfers\/[0-9a-f-]{36}$/);
    const db = b.database.db;
    const transfer = await db.selectFrom('marac_transfers').selectAll().where('direction', '=', 'in').executeTakeFirstOrThrow();
    assert.equal(transfer.counterpart, 'Eastshire Domestic Abuse Partnership');
    assert.equal(transfer.key_id, keyIdOf(keyA));

    const victim = await db
      .selectFrom('case_people as cp')
      .innerJoin('people as p', 'p.id', 'cp.person_id')
      .innerJoin('person_names as n', 'n.person_id', 'p.id')
      .select([
        'p.id',
        'n.given_name',
        'n.family_name',
        'p.date_of_birth',
        'p.gender',
        'p.safe_times',
        'p.do_not_write_home',
        'p.voicemail_allowed',
        'p.code_word',
      ])
      .where('cp.case_id', '=', transfer.case_id)
      .where('cp.role', '=', 'victim')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...victim, id: undefined },
      {
        id: undefined,
        given_name: 'Leah',
        family_name: 'Marsh',
        date_of_birth: '1990-02-01',
        gender: 'woman',
        safe_times: 'Weekdays 10:00 to 12:00',
        do_not_write_home: true,
        voicemail_allowed: 'no',
        code_word: null,
      },
    );
    const contacts = await db.selectFrom('person_contacts').select(['value', 'is_safe']).where('person_id', '=', victim.id).execute();
    assert.deepEqual(contacts, [{ value: '07700 900123', is_safe: true }]);
    const perpetrators = await db
      .selectFrom('case_people')
      .select(['relationship'])
      .where('case_id', '=', transfer.case_id)
      .where('role', '=', 'perpetrator')
      .execute();
    assert.deepEqual(perpetrators, [{ relationship: 'ex_partner' }]);
    const referral = await db.selectFrom('referrals').selectAll().where('id', '=', transfer.referral_id!).executeTakeFirstOrThrow();
    assert.equal(referral.case_id, transfer.case_id);
    assert.equal(referral.destination, 'marac');
    assert.equal(referral.status, 'awaiting_screening');
    assert.match(referral.reasons ?? '', /^MARAC-to-MARAC transfer from Eastshire Domestic Abuse Partnership .*She has moved to Westshire/);

    // The transfer's page shows the sending MARAC's risk history, minutes (with amendments) and open actions.
    const page = await clients.coordB!.get(location);
    assert.equal(page.statusCode, 200);
    for (const text of [
      'Transfer imported',
      '>17<',
      'Sanctuary scheme and refuge place agreed.',
      'Police: bail conditions extended.',
      'Check bail conditions with the court',
      'Weekdays 10:00 to 12:00',
    ])
      assert.ok(page.body.includes(text), `the transfer page shows ${text}`);
    const [imported] = (await auditOf(b, 'marac.transfer.import')).filter((e) => e.outcome === 'success');
    assert.equal(imported?.subject_id, transfer.case_id);
    assert.equal((await auditOf(b, 'marac.transfer.view')).length, 1);

    // Accepted at screening, it goes on an agenda as a transfer in.
    await db.updateTable('referrals').set({ status: 'accepted', decided_at: new Date() }).where('id', '=', referral.id).execute();
    const { areas } = await demoIds(db);
    const meetingId = await insertMeeting(db, b.partnershipId, areas.NORTHFIELD!, shiftDays(londonToday(), 7));
    await placeReferral(db, await userActor(db, b.partnershipId, COORDINATOR, 'test'), referral.id, meetingId);
    const item = await db.selectFrom('marac_agenda_items').select('kind').where('referral_id', '=', referral.id).executeTakeFirstOrThrow();
    assert.equal(item.kind, 'transfer_in');
  });

  it('refuses the same packet a second time (replay), on the page and the API', async () => {
    const before = await count(b);
    await importPage(packet);
    const page = await clients.coordB!.get('/marac/transfers/import');
    assert.match(errorSummary(page.body)[0] ?? '', /already been imported/);
    const res = await b.app.inject({
      method: 'POST',
      url: '/api/v1/marac/transfers',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
      payload: packet,
    });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'already_imported');
    assert.deepEqual(await count(b), before);
  });

  it('refuses a packet signed with a revoked key', async () => {
    await revokeKey(b.database.db, systemActor(b.partnershipId, 'test'), keyIdOf(keyA));
    await importPage(packet);
    const page = await clients.coordB!.get('/marac/transfers/import');
    assert.match(errorSummary(page.body)[0] ?? '', /Eastshire DAP’s key, which this partnership has revoked/);
  });

  it('imports through the API with a scoped token, and answers malformed input with 422, not 500', async () => {
    const partner = newKey();
    await trustKey(b.database.db, systemActor(b.partnershipId, 'test'), { name: 'Northshire DAP', publicKey: publicKeyPem(partner) });
    const original = JSON.parse(Buffer.from((JSON.parse(packet) as Envelope).payload, 'base64url').toString('utf8')) as TransferPayload;
    const fresh = signPacket(
      { ...original, packetId: '0b0c4b6e-2f51-4c9a-8d1e-3a2b1c0d9e8f', from: { ...original.from, partnership: 'Northshire DAP' } },
      partner,
      keyIdOf(partner),
    ).envelope;
    const post = (payload: string, token = apiToken) =>
      b.app.inject({
        method: 'POST',
        url: '/api/v1/marac/transfers',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload,
      });

    const before = await count(b);
    for (const [body, code] of [
      ['{"format": ', 'malformed_json'],
      ['', 'malformed_json'],
      ['"just a string"', 'unknown_format'],
      [JSON.stringify({ ...fresh, version: 3 }), 'unsupported_version'],
      [
        JSON.stringify({ ...fresh, signature: { ...fresh.signature, value: fresh.signature.value.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } }),
        'bad_signature',
      ],
    ] as const) {
      const res = await post(body);
      assert.equal(res.statusCode, 422, `${code}: ${res.body}`);
      assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(res.json().code, code);
    }
    assert.deepEqual(await count(b), before);

    const denied = await createApiToken(b.database, systemActor(b.partnershipId, 'test'), {
      agencyCode: 'COUNCIL',
      scopes: ['referrals'],
      name: 'no transfers',
    });
    assert.equal((await post(JSON.stringify(fresh), denied.token)).statusCode, 403);

    const res = await post(JSON.stringify(fresh));
    assert.equal(res.statusCode, 201, res.body);
    const made = res.json();
    const row = await b.database.db
      .selectFrom('marac_transfers')
      .select(['case_id', 'referral_id', 'created_by'])
      .where('id', '=', made.transferId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { case_id: made.caseId, referral_id: made.referralId, created_by: null });
    const events = await b.database.db
      .selectFrom('audit_events')
      .select(['outcome', 'api_token_id'])
      .where('action', '=', 'marac.transfer.import')
      .where('outcome', '=', 'success')
      .execute();
    assert.equal(events.length, 2);
    assert.ok(
      events.some((e) => e.api_token_id !== null),
      'the API import is audited as the token',
    );
  });

  it('lists transfers and shows the partnership’s public key for partners', async () => {
    const list = await clients.coordB!.get('/marac/transfers');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Eastshire Domestic Abuse Partnership/);
    const keys = await clients.coordB!.get('/marac/transfers/keys');
    assert.ok(keys.body.includes(keyIdOf(keyB)));
    assert.ok(keys.body.includes(publicKeyPem(keyB).split('\n')[1]!));
    assert.match(keys.body, /Revoked/);
    assert.equal((await clients.practB!.get('/marac/transfers')).statusCode, 403);
  });
});
