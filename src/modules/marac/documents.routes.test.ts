import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDate, londonToday, shiftDays } from '../../platform/format.js';
import { pdfInfo, pdfText } from '../../platform/pdf.test-support.js';
import { createTestApp, WebClient, type TestApp } from '../../../test/support/app.js';
import { ownerClient } from '../../../test/support/database.js';
import { insertAttendance } from './attendance.repository.js';
import { demoIds, insertAcceptedReferral, insertUser, type MaracCase } from './marac.test-support.js';
import { insertActionRow, insertPublishedMeeting, mainOf } from './meeting-day.test-support.js';

const COORDINATOR = 'coordinator@demo.harbour.example'; // Tasha Greenwood, Council
const CHAIR = 'chair@demo.harbour.example'; // DI Owen Hartley, Police: invited
const REP = 'rep@demo.harbour.example'; // Callum Fairweather, Housing: invited, must not see case C
const IDVA = 'idva@demo.harbour.example'; // Ruth Okonkwo, IDVA service: invited, sent apologies, never confirmed
const PRACTITIONER = 'practitioner@demo.harbour.example'; // Children's Social Care: not invited
const LAPSED = 'lapsed@education.example'; // Education: invited, agreement since expired

const KINDS = ['agenda', 'minutes', 'action-plan'] as const;

/** A PDF's text without each page's marking and number, on one line: a wrapped cell or a page break does not matter. */
const reading = (text: string) =>
  text
    .replace(/OFFICIAL-SENSITIVE\nOFFICIAL-SENSITIVE\nPage \d+ of \d+\n/g, '')
    .replace(/-\n/g, '-')
    .replace(/\s*\n\s*/g, ' ');

/** Each part appears, after the one before it. */
function inOrder(text: string, parts: string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    assert.ok(at >= 0, `"${part}" after position ${from} in:\n${text}`);
    from = at + part.length;
  }
}

describe('MARAC documents: agenda, minutes and action plan as PDFs and print-friendly pages', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const clients: Record<string, WebClient> = {};
  let agencies: Record<string, string>;
  let agencyNames: Record<string, string>;
  let meeting: string;
  let items: string[];
  const cases: (MaracCase & { caseReference: string })[] = [];
  const today = londonToday();
  const date = shiftDays(today, -7);
  const pdfUrl = (kind: string, id = meeting) => `/marac/meetings/${id}/${kind}.pdf`;
  const printUrl = (kind: string, id = meeting) => `/marac/meetings/${id}/${kind}/print`;
  const userId = async (email: string) => (await db().selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const confirm = async (email: string) => {
    const page = await clients[email]!.get(`/marac/meetings/${meeting}/day`);
    await clients[email]!.post(`/marac/meetings/${meeting}/confidentiality`, {}, page.body);
  };
  const minutesUrl = (i: number) => `/marac/meetings/${meeting}/items/${items[i]}/minutes`;
  const download = async (email: string, kind: string) => {
    const response = await clients[email]!.get(pdfUrl(kind));
    assert.equal(response.statusCode, 200, `${email} gets the ${kind}`);
    return { response, text: pdfText(response.rawPayload) };
  };

  before(async () => {
    t = await createTestApp();
    const ids = await demoIds(db());
    agencies = ids.agencies;
    agencyNames = Object.fromEntries((await db().selectFrom('agencies').select(['code', 'name']).execute()).map((a) => [a.code, a.name]));
    await insertUser(db(), t.partnershipId, { email: LAPSED, agency: 'EDUCATION', roles: ['agency_rep'] });
    const fixtures = [
      { owner: 'HOUSING', victim: { given: 'Leah', family: 'Marsh', dob: '1990-02-01' }, daysAgo: 20, band: 'high' as const },
      { owner: 'POLICE', victim: { given: 'Łucja', family: 'Nowak', dob: '1986-07-15' }, daysAgo: 19, band: 'medium' as const, repeat: true },
      { owner: 'IDVA', victim: { given: 'Cara', family: 'Dunn' }, daysAgo: 18, band: 'standard' as const },
    ];
    for (const fixture of fixtures) {
      const made = await insertAcceptedReferral(db(), t.partnershipId, fixture);
      const { reference } = await db().selectFrom('cases').select('reference').where('id', '=', made.caseId).executeTakeFirstOrThrow();
      cases.push({ ...made, caseReference: reference });
    }
    const invited = ['COUNCIL', 'POLICE', 'HOUSING', 'IDVA', 'EDUCATION'].map((code) => agencies[code]!);
    ({ meetingId: meeting, itemIds: items } = await insertPublishedMeeting(db(), t.partnershipId, {
      areaId: ids.areas.NORTHFIELD!,
      date,
      caseIds: cases.map((c) => c.caseId),
      agencyIds: invited,
    }));
    for (const [i, c] of cases.entries()) {
      await db()
        .updateTable('marac_agenda_items')
        .set({ referral_id: c.referralId, kind: fixtures[i]!.repeat ? 'repeat' : 'new' })
        .where('id', '=', items[i]!)
        .execute();
    }
    await db()
      .insertInto('restrictions')
      .values({
        partnership_id: t.partnershipId,
        subject_type: 'case',
        subject_id: cases[2]!.caseId,
        blocked_user_id: await userId(REP),
        blocked_agency_id: null,
        reason: 'Related to the perpetrator',
        created_by: null,
      })
      .execute();

    for (const [i, email] of [COORDINATOR, CHAIR, REP, IDVA, PRACTITIONER, LAPSED].entries()) {
      clients[email] = new WebClient(t.app, `10.14.0.${i + 1}`);
      await clients[email].signIn(email);
    }
    for (const email of [COORDINATOR, CHAIR, REP]) await confirm(email);
    await insertAttendance(db(), {
      partnershipId: t.partnershipId,
      meetingId: meeting,
      userId: await userId(IDVA),
      agencyId: agencies.IDVA!,
      status: 'apologies',
      recordedBy: await userId(COORDINATOR),
    });

    // Case A: final minutes with an amendment; case B: a draft; case C: none yet.
    const coordinator = clients[COORDINATOR]!;
    let page = await coordinator.get(minutesUrl(0));
    await coordinator.post(
      minutesUrl(0),
      {
        idvaView: 'She wants to stay at home with the children.',
        summary: 'Police shared two call-outs. Housing will fit new locks.',
        risks: 'Threats to kill; escalating jealousy.',
        intent: 'finalise',
        version: '0',
      },
      page.body,
    );
    page = await coordinator.get(minutesUrl(0));
    await coordinator.post(`${minutesUrl(0)}/amendments`, { amendment: 'The locks are to be fitted by Housing, not the landlord.' }, page.body);
    page = await coordinator.get(minutesUrl(1));
    await coordinator.post(
      minutesUrl(1),
      { idvaView: '', summary: 'Draft: children’s services to check the school.', risks: '', intent: 'save', version: '0' },
      page.body,
    );

    await insertActionRow(db(), t.partnershipId, {
      itemId: items[0]!,
      agencyId: agencies.HOUSING!,
      assignedUserId: await userId(REP),
      dueOn: shiftDays(today, 7),
      description: 'Fit new locks at the victim’s home',
    });
    await insertActionRow(db(), t.partnershipId, {
      itemId: items[0]!,
      agencyId: agencies.POLICE!,
      dueOn: shiftDays(today, -2),
      description: 'Flag the address',
    });
    await insertActionRow(db(), t.partnershipId, {
      itemId: items[1]!,
      agencyId: agencies.POLICE!,
      dueOn: shiftDays(today, -5),
      description: 'Serve the non-molestation order',
      completedAt: new Date(`${shiftDays(today, -6)}T12:00:00Z`),
    });
    await insertActionRow(db(), t.partnershipId, {
      itemId: items[2]!,
      agencyId: agencies.HOUSING!,
      dueOn: shiftDays(today, 3),
      description: 'Offer a refuge place',
    });
  });
  after(() => t.close());

  it('the agenda PDF holds the meeting, its agencies and its cases in order, marked on every page, as an attachment', async () => {
    const { response, text } = await download(REP, 'agenda');
    assert.equal(response.headers['content-type'], 'application/pdf');
    assert.equal(response.rawPayload.subarray(0, 5).toString(), '%PDF-');
    assert.equal(response.headers['content-disposition'], `attachment; filename="marac-agenda-northfield-${date}.pdf"`);
    assert.equal(response.headers['cache-control'], 'no-store');
    const title = `Agenda: Northfield MARAC, ${formatDate(date)}`;
    assert.equal(pdfInfo(response.rawPayload).Title, title, 'the metadata names the meeting, no one in it');
    assert.match(
      text,
      new RegExp(
        `^${title}\\nPrepared on .* for Callum Fairweather \\(${agencyNames.HOUSING}\\)\\.\\nHandling this document\\nDo not copy or forward this agenda\\.`,
      ),
    );
    assert.match(text, /OFFICIAL-SENSITIVE\nOFFICIAL-SENSITIVE\nPage 1 of 1\n$/, 'marked at the top and bottom, with the page number');
    const body = reading(text);
    inOrder(body, [
      `When ${new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' })} ${formatDate(date)}, 10:00`,
      'Where Civic Centre, Room 2',
      'Area Northfield',
      `Agencies invited ${['COUNCIL', 'POLICE', 'HOUSING', 'IDVA', 'EDUCATION']
        .map((code) => agencyNames[code])
        .sort()
        .join(', ')}`,
      `Agencies present ${[agencyNames.COUNCIL, agencyNames.HOUSING, agencyNames.POLICE].sort().join(', ')}`,
      'No. Case Victim’s initials Date of birth Area New or repeat Risk',
      `1 ${cases[0]!.caseReference} LM 1 February 1990 Northfield New High (score 16)`,
      `2 ${cases[1]!.caseReference} ŁN 15 July 1986 Northfield Repeat Medium (score 11)`,
      'Handling this document Do not copy or forward this agenda.',
    ]);
    assert.ok(!text.includes(cases[2]!.caseReference), 'a case the viewer must not see is left out');
    assert.doesNotMatch(text, /Leah|Marsh|Nowak/, 'the agenda names no one in full');

    const coordinator = reading((await download(COORDINATOR, 'agenda')).text);
    assert.ok(coordinator.includes(`3 ${cases[2]!.caseReference} CD Not recorded Northfield New Standard (score 5)`));
  });

  it('the minutes PDF holds the register and each case’s minutes, amendments kept after the original', async () => {
    const { response, text } = await download(COORDINATOR, 'minutes');
    assert.equal(response.headers['content-disposition'], `attachment; filename="marac-minutes-northfield-${date}.pdf"`);
    assert.match(text, /OFFICIAL-SENSITIVE\nPage 1 of \d+\n/);
    assert.match(text, /Do not copy or forward this document\. It is only for the agencies that attended this MARAC/);
    const body = reading(text);
    inOrder(body, [
      'Attendance Name Agency Attendance',
      `Tasha Greenwood ${agencyNames.COUNCIL} Present`,
      `DI Owen Hartley ${agencyNames.POLICE} Present`,
      `Callum Fairweather ${agencyNames.HOUSING} Present`,
      `Ruth Okonkwo ${agencyNames.IDVA} Apologies`,
      'Minutes by case',
      `1. Case ${cases[0]!.caseReference} Victim’s initials LM; date of birth 1 February 1990; New; risk High (score 16).`,
      'Minutes: Final. Finalised by Tasha Greenwood on',
      'The IDVA’s view for the victim She wants to stay at home with the children.',
      'Summary Police shared two call-outs. Housing will fit new locks.',
      'Risks Threats to kill; escalating jealousy.',
      `Amendments Amendment 1. Added by Tasha Greenwood (${agencyNames.COUNCIL}) on`,
      'The locks are to be fitted by Housing, not the landlord.',
      `2. Case ${cases[1]!.caseReference} Victim’s initials ŁN;`,
      'Minutes: Draft. Last saved by Tasha Greenwood on',
      'The IDVA’s view for the victim Not recorded Summary Draft: children’s services to check the school. Risks Not recorded',
      `3. Case ${cases[2]!.caseReference}`,
      'Minutes: Not started. No minutes have been recorded for this case yet.',
      'Handling this document Do not copy or forward this document.',
    ]);
    assert.doesNotMatch(text, /The IDVA’s view for the victim\nOFFICIAL-SENSITIVE/, 'a label is not left at the foot of a page without its text');

    const rep = (await download(REP, 'minutes')).text;
    assert.ok(!rep.includes(cases[2]!.caseReference), 'a case the viewer must not see is left out of the minutes');
  });

  it('the action plan PDF lists each case’s actions and each agency’s, with who, when and how far they have got', async () => {
    const { response, text } = await download(COORDINATOR, 'action-plan');
    assert.equal(response.headers['content-disposition'], `attachment; filename="marac-action-plan-northfield-${date}.pdf"`);
    const body = reading(text);
    const header = (first: string) => `${first} Action Person Due Status Update`;
    inOrder(body, [
      'Actions by case',
      `1. Case ${cases[0]!.caseReference}`,
      header('Agency'),
      `${agencyNames.HOUSING} Fit new locks at the victim’s home Callum Fairweather ${formatDate(shiftDays(today, 7))} Open`,
      `${agencyNames.POLICE} Flag the address No one in particular ${formatDate(shiftDays(today, -2))} Overdue`,
      `2. Case ${cases[1]!.caseReference}`,
      `${agencyNames.POLICE} Serve the non-molestation order No one in particular ${formatDate(shiftDays(today, -5))} Done on time By someone on`,
      ': Done as agreed',
      `3. Case ${cases[2]!.caseReference}`,
      `${agencyNames.HOUSING} Offer a refuge place No one in particular ${formatDate(shiftDays(today, 3))} Open`,
      'Actions by agency',
    ]);
    const byAgency = body.slice(body.indexOf('Actions by agency'));
    inOrder(byAgency, [
      agencyNames.POLICE!,
      header('Case'),
      `${cases[0]!.caseReference} Flag the address`,
      `${cases[1]!.caseReference} Serve the non-molestation order`,
    ]);
    inOrder(byAgency, [agencyNames.HOUSING!, header('Case'), `${cases[0]!.caseReference} Fit new locks`, `${cases[2]!.caseReference} Offer a refuge place`]);
    assert.ok(byAgency.indexOf(agencyNames.POLICE!) < byAgency.indexOf(agencyNames.HOUSING!), 'agencies in alphabetical order');
    assert.match(text, /OFFICIAL-SENSITIVE\nPage 1 of \d+\n/);

    const rep = (await download(REP, 'action-plan')).text;
    assert.ok(!rep.includes('Offer a refuge place'), 'actions on a case the viewer must not see are left out');
    assert.ok(rep.includes('Fit new locks'));
  });

  it('refuses with a 404, and no document, anyone who may not see the page it comes from', async () => {
    const refused = async (email: string, url: string) => {
      const response = await clients[email]!.get(url);
      assert.equal(response.statusCode, 404, `${email}: ${url}`);
      assert.match(String(response.headers['content-type']), /^text\/html/);
      for (const c of cases) assert.ok(!response.body.includes(c.caseReference));
    };
    for (const kind of KINDS) {
      for (const email of [LAPSED, PRACTITIONER]) {
        await refused(email, pdfUrl(kind));
        await refused(email, printUrl(kind));
      }
      await refused(COORDINATOR, pdfUrl(kind, '00000000-0000-4000-8000-000000000000'));
    }
    const analyst = new WebClient(t.app, '10.14.0.9');
    await analyst.signIn('analyst@demo.harbour.example');
    assert.equal((await analyst.get(pdfUrl('agenda'))).statusCode, 403, 'aggregates only: no casework access at all');
    // Invited, but has not confirmed the confidentiality statement: the agenda, not the meeting's content.
    assert.equal((await clients[IDVA]!.get(pdfUrl('agenda'))).statusCode, 200);
    for (const kind of ['minutes', 'action-plan']) {
      await refused(IDVA, pdfUrl(kind));
      await refused(IDVA, printUrl(kind));
    }
    const denied = await db()
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'details'])
      .where('user_id', '=', await userId(LAPSED))
      .where('action', 'in', ['marac.document.download', 'marac.document.print'])
      .execute();
    assert.equal(denied.length, 6, 'every refused attempt is audited');
    assert.ok(denied.every((e) => e.outcome === 'denied'));
  });

  it('audits every document handed out: which meeting, which document, in which form and the cases in it', async () => {
    const repId = await userId(REP);
    const count = async () =>
      (
        await db()
          .selectFrom('audit_events')
          .select('seq')
          .where('user_id', '=', repId)
          .where('action', 'in', ['marac.document.download', 'marac.document.print'])
          .execute()
      ).length;
    const before = await count();
    await download(REP, 'agenda');
    assert.equal((await clients[REP]!.get(printUrl('action-plan'))).statusCode, 200);
    assert.equal(await count(), before + 2, 'one event per document');
    const [pdf, print] = await db()
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'subject_type', 'subject_id', 'details', 'agency_id'])
      .where('user_id', '=', repId)
      .where('action', 'in', ['marac.document.download', 'marac.document.print'])
      .orderBy('seq', 'desc')
      .limit(2)
      .execute()
      .then((rows) => rows.reverse());
    assert.deepEqual(
      { ...pdf, details: undefined },
      {
        action: 'marac.document.download',
        outcome: 'success',
        subject_type: 'marac_meeting',
        subject_id: meeting,
        details: undefined,
        agency_id: agencies.HOUSING,
      },
    );
    assert.deepEqual(pdf!.details, { kind: 'agenda', format: 'pdf', caseIds: [cases[0]!.caseId, cases[1]!.caseId] });
    assert.equal(print!.action, 'marac.document.print');
    assert.deepEqual(print!.details, { kind: 'action-plan', format: 'print', caseIds: [cases[0]!.caseId, cases[1]!.caseId] });
  });

  it('renders print-friendly pages with the marking at the top and bottom, the handling warning and a print stylesheet', async () => {
    for (const kind of KINDS) {
      const page = await clients[COORDINATOR]!.get(printUrl(kind));
      assert.equal(page.statusCode, 200, kind);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      assert.equal(page.body.match(/class="harbour-marking"/g)?.length, 2, `${kind}: marked at the top and bottom`);
      assert.match(page.body, /<link rel="stylesheet" href="\/assets\/harbour\/print.css" media="print">/);
      const main = mainOf(page.body);
      assert.doesNotMatch(main, /\[missing text/);
      assert.equal(main.match(/Do not copy or forward this/g)?.length, 2, `${kind}: the warning at the start and the end`);
      assert.ok(main.includes(`href="/marac/meetings/${meeting}/${kind}.pdf"`), `${kind}: links to its PDF`);
      for (const c of cases) assert.ok(main.includes(c.caseReference), `${kind}: ${c.caseReference}`);
    }
    const minutes = mainOf((await clients[COORDINATOR]!.get(printUrl('minutes'))).body);
    assert.match(
      minutes,
      /Police shared two call-outs\. Housing will fit new locks\.[\s\S]*Amendment 1\.[\s\S]*The locks are to be fitted by Housing, not the landlord\./,
    );
    assert.match(minutes, /Ruth Okonkwo<\/td>\s*<td class="govuk-table__cell">[^<]+<\/td>\s*<td class="govuk-table__cell">Apologies/);
    const plan = mainOf((await clients[COORDINATOR]!.get(printUrl('action-plan'))).body);
    assert.match(plan, /Serve the non-molestation order[\s\S]*?Done on time/);
    const agenda = mainOf((await clients[REP]!.get(printUrl('agenda'))).body);
    assert.ok(!agenda.includes(cases[2]!.caseReference), 'must-not-see applies to the page too');

    const css = await clients[COORDINATOR]!.get('/assets/harbour/print.css');
    assert.equal(css.statusCode, 200);
    assert.match(css.body, /@top-center\s*\{\s*content: ['"]OFFICIAL-SENSITIVE['"]/);
    assert.match(css.body, /@bottom-center\s*\{\s*content: ['"]OFFICIAL-SENSITIVE[^;]*counter\(page\)[^;]*counter\(pages\)/);
    assert.match(css.body, /\.govuk-header,[\s\S]*?display: none/);
  });

  it('is linked from the agenda page and, once the statement is confirmed, from the meeting day', async () => {
    const agendaPage = mainOf((await clients[REP]!.get(`/marac/meetings/${meeting}`)).body);
    assert.ok(agendaPage.includes(`href="${pdfUrl('agenda')}"`));
    assert.ok(agendaPage.includes(`href="${printUrl('agenda')}"`));
    const day = mainOf((await clients[REP]!.get(`/marac/meetings/${meeting}/day`)).body);
    for (const kind of KINDS) {
      assert.ok(day.includes(`href="${pdfUrl(kind)}"`), `${kind} PDF`);
      assert.ok(day.includes(`href="${printUrl(kind)}"`), `${kind} print`);
    }
    const unconfirmed = mainOf((await clients[IDVA]!.get(`/marac/meetings/${meeting}/day`)).body);
    assert.ok(!unconfirmed.includes(pdfUrl('minutes')), 'no links to the meeting’s content before the statement');
  });
});

describe('a 30-case agenda as a PDF', () => {
  let t: TestApp;
  after(() => t.close());

  it('runs over pages that each carry the marking, the column headings and the page number', async (context) => {
    t = await createTestApp();
    const db = t.database.db;
    const ids = await demoIds(db);
    const caseIds: string[] = [];
    for (let i = 0; i < 30; i++) {
      const made = await insertAcceptedReferral(db, t.partnershipId, {
        owner: 'POLICE',
        victim: { given: `Given${i}`, family: `Family${i}`, dob: '1990-01-01' },
        daysAgo: 10,
        band: 'high',
      });
      caseIds.push(made.caseId);
    }
    const { meetingId } = await insertPublishedMeeting(db, t.partnershipId, { areaId: ids.areas.RIVERSIDE!, date: londonToday(), caseIds, agencyIds: [] });
    // As autovacuum would have by now: without statistics the planner nests the agenda's row-level-security joins
    // thirty deep, and the agenda (page or document) takes seconds.
    const owner = ownerClient(t.database.connectionString);
    await owner.connect();
    await owner.query('analyze');
    await owner.end();
    const coordinator = new WebClient(t.app, '10.14.1.1');
    await coordinator.signIn(COORDINATOR);
    const started = performance.now();
    const response = await coordinator.get(`/marac/meetings/${meetingId}/agenda.pdf`);
    context.diagnostic(`30-case agenda PDF answered in ${Math.round(performance.now() - started)} ms`);
    assert.equal(response.statusCode, 200);
    const text = pdfText(response.rawPayload);
    const pages = Number(/Page 1 of (\d+)/.exec(text)?.[1]);
    assert.ok(pages >= 2, `${pages} pages`);
    assert.equal(text.match(/OFFICIAL-SENSITIVE/g)?.length, pages * 2);
    assert.equal(text.match(/No\. Case Victim’s initials Date of birth Area New or repeat Risk\n/g)?.length, pages);
    for (let i = 1; i <= 30; i++) assert.match(text, new RegExp(`\\n${i} [A-Za-z0-9-]+ GF 1 January 1990 Riverside New No score\\n`), `case ${i}`);
  });
});
