import net from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import { londonToday, shiftDays } from '../../platform/format.js';
import { hashPassword } from '../../platform/passwords.js';
import type { Role } from '../../platform/permissions.js';
import { DEMO_PASSWORD, demoTotpSecret } from '../admin/admin.demo.js';
import { insertCase, insertPerson } from '../../../test/support/people.js';

/** A message as a real SMTP client delivered it to the catcher. */
export type CaughtMail = { from: string; to: string[]; data: string };

/**
 * A real SMTP server on a free local port that keeps every message (no TLS, no authentication): Harbour's own
 * mailer (nodemailer, through SMTP_URL) delivers to it exactly as it would to a relay.
 */
export async function startMailCatcher(): Promise<{ url: string; messages: CaughtMail[]; close(): Promise<void> }> {
  const messages: CaughtMail[] = [];
  const server = net.createServer((socket) => {
    let buffer = '';
    let inData = false;
    let current: CaughtMail = { from: '', to: [], data: '' };
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 catcher ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buffer.slice(0, end).replace(/^\.\./gm, '.');
          buffer = buffer.slice(end + 5);
          inData = false;
          messages.push(current);
          current = { from: '', to: [], data: '' };
          reply('250 OK queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO' || verb === 'HELO') reply('250 catcher');
        else if (verb === 'MAIL') ((current.from = line.slice(10).trim()), reply('250 OK'));
        else if (verb === 'RCPT') (current.to.push(line.slice(8).trim()), reply('250 OK'));
        else if (verb === 'DATA') ((inData = true), reply('354 End data with <CR><LF>.<CR><LF>'));
        else if (verb === 'QUIT') (reply('221 Bye'), socket.end());
        else reply('250 OK');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A message's text as a reader sees it (quoted-printable soft breaks and escapes undone). */
export function readableMail(mail: CaughtMail): string {
  return mail.data
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\r\n/g, '\n');
}

/** Ids of the demo agencies by code, and of the demo areas by code. */
export async function demoIds(db: Db): Promise<{ agencies: Record<string, string>; areas: Record<string, string> }> {
  const agencies: Record<string, string> = {};
  const areas: Record<string, string> = {};
  for (const a of await db.selectFrom('agencies').select(['id', 'code']).execute()) agencies[a.code] = a.id;
  for (const a of await db.selectFrom('areas').select(['id', 'code']).execute()) areas[a.code] = a.id;
  return { agencies, areas };
}

/** A signed-up user (password DEMO_PASSWORD, the demo TOTP secret for their e-mail), for agencies the demo has no user at. */
export async function insertUser(db: Db, partnershipId: string, user: { email: string; agency: string; roles: Role[] }): Promise<string> {
  const agency = await db.selectFrom('agencies').select('id').where('code', '=', user.agency).executeTakeFirstOrThrow();
  const now = new Date();
  const row = await db
    .insertInto('users')
    .values({
      partnership_id: partnershipId,
      agency_id: agency.id,
      email: user.email,
      display_name: user.email.split('@')[0]!,
      roles: user.roles,
      password_hash: await hashPassword(DEMO_PASSWORD),
      password_changed_at: now,
      totp_secret: demoTotpSecret(user.email),
      mfa_enrolled_at: now,
      totp_last_step: null,
      locked_until: null,
      last_sign_in_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export type MaracCase = { caseId: string; victimId: string; referralId: string; reference: string };

let referralNumber = 900000;

/**
 * A case with its victim and an accepted MARAC referral, straight into the tables (the referral rules are the
 * referrals module's, tested there). The case is shared with the MARAC agency (Council), as a referral does.
 */
export async function insertAcceptedReferral(
  db: Db,
  partnershipId: string,
  fixture: {
    owner: string;
    referrer?: string;
    victim: { given: string; family: string; dob?: string };
    daysAgo: number;
    band: 'standard' | 'medium' | 'high' | null;
    score?: number | null;
    repeat?: boolean;
    caseId?: string;
  },
): Promise<MaracCase> {
  const { agencies } = await demoIds(db);
  let victimId: string;
  let caseId = fixture.caseId;
  if (caseId) {
    victimId = (await db.selectFrom('case_people').select('person_id').where('case_id', '=', caseId).where('role', '=', 'victim').executeTakeFirstOrThrow())
      .person_id;
  } else {
    victimId = await insertPerson(db, partnershipId, {
      agency: fixture.owner,
      given: fixture.victim.given,
      family: fixture.victim.family,
      dob: fixture.victim.dob,
    });
    caseId = await insertCase(db, partnershipId, fixture.owner, [{ id: victimId, role: 'victim' }], ['COUNCIL']);
  }
  referralNumber += 1;
  const reference = `REF-${referralNumber}`;
  const referredOn = shiftDays(londonToday(), -fixture.daysAgo);
  const { id } = await db
    .insertInto('referrals')
    .values({
      partnership_id: partnershipId,
      reference,
      case_id: caseId,
      victim_id: victimId,
      perpetrator_ids: [],
      destination: 'marac',
      criterion: fixture.repeat ? 'repeat' : 'professional_judgement',
      to_agency_id: agencies.COUNCIL!,
      reasons: 'Test referral',
      referred_on: referredOn,
      referring_agency_id: agencies[fixture.referrer ?? fixture.owner]!,
      referred_by: null,
      api_token_id: null,
      risk_assessment_id: null,
      score: fixture.score ?? (fixture.band === 'high' ? 16 : fixture.band === 'medium' ? 11 : fixture.band === 'standard' ? 5 : null),
      score_band: fixture.band,
      consent_status: 'given',
      lawful_basis: null,
      consent_reason: null,
      is_repeat: fixture.repeat ?? false,
      repeat_of_id: null,
      status: 'accepted',
      decided_by: null,
      decided_at: new Date(),
      decline_code: null,
      decision_reason: null,
      idempotency_key: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { caseId, victimId, referralId: id, reference };
}

/** A meeting straight into the table, for tests that need one on a given day. */
export async function insertMeeting(db: Db, partnershipId: string, areaId: string, meetingDate: string, caseLimit = 16): Promise<string> {
  const row = await db
    .insertInto('marac_meetings')
    .values({
      partnership_id: partnershipId,
      area_id: areaId,
      schedule_id: null,
      scheduled_for: null,
      meeting_date: meetingDate,
      starts_at: '10:00',
      place: 'Civic Centre, Room 2',
      case_limit: caseLimit,
      created_by: null,
      agenda_published_at: null,
      agenda_published_by: null,
      agenda_published_version: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The agenda as stored: case ids in position order. */
export async function agendaOrder(db: Db, meetingId: string): Promise<string[]> {
  const { rows } = await sql<{ case_id: string }>`select case_id from marac_agenda_items where meeting_id = ${meetingId} order by position`.execute(db);
  return rows.map((r) => r.case_id);
}
