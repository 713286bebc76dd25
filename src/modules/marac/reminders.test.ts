import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testConfig } from '../../../test/support/app.js';
import { seedAdminDemo } from '../admin/admin.demo.js';
import { createMailer } from '../../platform/mail.js';
import { JobQueue } from '../../platform/jobs.js';
import { demoIds, insertAcceptedReferral } from './marac.test-support.js';
import { insertActionRow, insertPublishedMeeting } from './meeting-day.test-support.js';
import { ACTION_REMINDERS_JOB, maracJobs, runActionReminders } from './reminders.service.js';

type Received = { to: string[]; subject: string; text: string };

/** A real SMTP server (the smtp-server package) on a free local port, keeping every message Harbour's mailer delivers. */
async function startSmtpServer(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const [head = '', ...body] = raw.split('\r\n\r\n');
        const text = body
          .join('\r\n\r\n')
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
          .replace(/\r\n/g, '\n');
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: /^Subject: (.*)$/m.exec(head)?.[1] ?? '', text });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('MARAC action reminders and chasing (daily job)', () => {
  let database: TestDatabase;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let partnershipId: string;
  let deps: Parameters<typeof runActionReminders>[0];
  const db = () => database.db;
  // Day D of the test, whatever the real date: the job is told the time.
  const D = '2027-03-10';
  const at = (day: string, time = '08:00:00') => new Date(`${day}T${time}Z`);
  let dueTomorrow: string;
  let overdue: string;
  let notYet: string;
  let victim: { reference: string; given: string };

  before(async () => {
    smtp = await startSmtpServer();
    database = await createTestDatabase();
    const config = testConfig({ SMTP_URL: smtp.url, MAIL_FROM: 'Harbour <marac@harbour.example>' });
    partnershipId = await seedAdminDemo(db(), config.partnershipName);
    deps = { db: db(), config, mailer: createMailer(config) };
    const { agencies, areas } = await demoIds(db());
    const referral = await insertAcceptedReferral(db(), partnershipId, {
      owner: 'POLICE',
      victim: { given: 'Leah', family: 'Marsh' },
      daysAgo: 5,
      band: 'high',
    });
    const caseRef = (await db().selectFrom('cases').select('reference').where('id', '=', referral.caseId).executeTakeFirstOrThrow()).reference;
    victim = { reference: caseRef, given: 'Leah' };
    const { itemIds } = await insertPublishedMeeting(db(), partnershipId, {
      areaId: areas.NORTHFIELD!,
      date: '2027-03-01',
      caseIds: [referral.caseId],
      agencyIds: [agencies.HOUSING!, agencies.POLICE!],
    });
    const rep = await db().selectFrom('users').select('id').where('email', '=', 'rep@demo.harbour.example').executeTakeFirstOrThrow();
    dueTomorrow = await insertActionRow(db(), partnershipId, {
      itemId: itemIds[0]!,
      agencyId: agencies.HOUSING!,
      assignedUserId: rep.id,
      dueOn: '2027-03-11',
      description: 'Fit new locks at Leah’s flat',
    });
    overdue = await insertActionRow(db(), partnershipId, {
      itemId: itemIds[0]!,
      agencyId: agencies.POLICE!,
      dueOn: '2027-03-08',
      description: 'Flag the address',
    });
    notYet = await insertActionRow(db(), partnershipId, { itemId: itemIds[0]!, agencyId: agencies.POLICE!, dueOn: '2027-03-20', description: 'Review bail' });
    await insertActionRow(db(), partnershipId, {
      itemId: itemIds[0]!,
      agencyId: agencies.POLICE!,
      dueOn: '2027-03-05',
      description: 'Done already',
      completedAt: at('2027-03-04'),
    });
  });
  after(async () => {
    await database.drop();
    await smtp.close();
  });

  const notifications = () => db().selectFrom('marac_notifications').selectAll().orderBy('created_at').orderBy('kind', 'desc').orderBy('email').execute();

  it('reminds the assignee once the day before, and chases an overdue action once a day, even when the job runs twice', async () => {
    let now = at(D, '06:30:00');
    const { handlers, daily } = maracJobs(deps);
    const queue = new JobQueue(db(), handlers, () => now);

    await queue.enqueueDaily(daily);
    assert.equal(await queue.workAll(), 0, 'before 07:00 London time nothing is due');
    assert.equal(smtp.received.length, 0);

    now = at(D);
    await queue.enqueueDaily(daily);
    assert.equal(await queue.workAll(), 1);
    await queue.enqueueDaily(daily);
    assert.equal(await queue.workAll(), 0, 'the day’s job is enqueued once');
    // And the job itself run again that day (a retry, a second server) sends nothing more.
    const again = await runActionReminders(deps, D, at(D, '09:00:00'));
    assert.deepEqual([again.reminded, again.chased, again.emails], [0, 0, 0]);

    assert.deepEqual(
      smtp.received.map((m) => [m.to.join(','), m.subject]),
      [
        ['rep@demo.harbour.example', 'MARAC action due tomorrow'],
        ['chair@demo.harbour.example', 'MARAC action overdue'],
      ],
      'the assignee for the due-tomorrow action; the agency’s meeting staff for the overdue one, which names no one',
    );
    const reminder = smtp.received[0]!;
    assert.match(reminder.text, new RegExp(`http://localhost:3000/marac/actions/${dueTomorrow}`));
    assert.match(reminder.text, /Housing Options/);
    assert.match(smtp.received[1]!.text, new RegExp(`/marac/actions/${overdue}`));
    for (const message of smtp.received) {
      for (const personal of [victim.reference, victim.given, 'Marsh', 'locks', 'Flag the address']) {
        assert.ok(!message.text.includes(personal) && !message.subject.includes(personal), `the e-mail must not contain ${personal}`);
      }
    }

    const actions = await db().selectFrom('marac_actions').select(['id', 'reminder_sent_at', 'last_chased_on', 'chase_count']).execute();
    const byId = new Map(actions.map((a) => [a.id, a]));
    assert.equal(byId.get(dueTomorrow)?.reminder_sent_at?.getTime(), at(D).getTime());
    assert.deepEqual([byId.get(overdue)?.last_chased_on, byId.get(overdue)?.chase_count], [D, 1]);
    assert.deepEqual([byId.get(notYet)?.reminder_sent_at, byId.get(notYet)?.last_chased_on], [null, null]);
    const recorded = await notifications();
    assert.deepEqual(
      recorded.map((n) => [n.kind, n.action_id, n.status]),
      [
        ['action_reminder', dueTomorrow, 'sent'],
        ['action_chase', overdue, 'sent'],
      ],
    );
    assert.equal(recorded[0]!.body, reminder.text.trim(), 'what was sent is what is recorded');

    // Day D+1: the overdue action is chased again; the reminder is not repeated though the action is now due today.
    now = at('2027-03-11');
    await queue.enqueueDaily(daily);
    await queue.workAll();
    await runActionReminders(deps, '2027-03-11', at('2027-03-11', '10:00:00'));
    assert.deepEqual(
      smtp.received.slice(2).map((m) => [m.to.join(','), m.subject]),
      [['chair@demo.harbour.example', 'MARAC action overdue']],
    );
    const chased = await db().selectFrom('marac_actions').select(['last_chased_on', 'chase_count']).where('id', '=', overdue).executeTakeFirstOrThrow();
    assert.deepEqual([chased.last_chased_on, chased.chase_count], ['2027-03-11', 2]);

    // D+2: both are overdue now, each chased once; a done action never is.
    await runActionReminders(deps, '2027-03-12', at('2027-03-12'));
    assert.deepEqual(
      smtp.received
        .slice(3)
        .map((m) => [m.to.join(','), m.subject])
        .sort(),
      [
        ['chair@demo.harbour.example', 'MARAC action overdue'],
        ['rep@demo.harbour.example', 'MARAC action overdue'],
      ],
    );
    const jobs = await db()
      .withTables<{ jobs: { name: string; status: string } }>()
      .selectFrom('jobs')
      .select(['name', 'status'])
      .where('name', '=', ACTION_REMINDERS_JOB)
      .execute();
    assert.deepEqual(
      jobs.map((j) => j.status),
      ['done', 'done'],
      'one job a day',
    );
    const audited = await db().selectFrom('audit_events').select('details').where('action', '=', 'marac.actions.remind').execute();
    assert.equal(audited.length, 3, 'each run that sent something is audited');
  });

  it('records the e-mails it could not send, and does not send them twice', async () => {
    const before = smtp.received.length;
    const broken = { ...deps, mailer: { configured: true, send: async () => Promise.reject(new Error('connection refused')) } };
    const run = await runActionReminders(broken, '2027-03-13', at('2027-03-13'));
    assert.deepEqual([run.chased, run.sent, run.failed], [2, 0, 2]);
    const failed = (await notifications()).filter((n) => n.status === 'failed');
    assert.equal(failed.length, 2);
    assert.equal(failed[0]!.error, 'connection refused');
    await runActionReminders(deps, '2027-03-13', at('2027-03-13', '12:00:00'));
    assert.equal(smtp.received.length, before, 'the day’s chase was made, though not delivered');
  });
});
