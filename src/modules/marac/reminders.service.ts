import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/database.js';
import { SYSTEM_VIEWER, withViewer } from '../../db/viewer.js';
import { recordAudit } from '../../platform/audit.js';
import { formatDate, shiftDays } from '../../platform/format.js';
import { translate } from '../../platform/i18n.js';
import type { DailyJob, JobHandler } from '../../platform/jobs.js';
import type { Mailer } from '../../platform/mail.js';
import type { NotificationKind } from './marac.table.js';
import { insertNotifications, meetingStaff, setNotificationStatus } from './publish.repository.js';
import * as repo from './reminders.repository.js';

/**
 * Reminders and chasing (issue 5, step 5), run once a day by the job queue (platform/jobs.ts):
 *
 * - one reminder per open action, the day before it is due (an action recorded too late for that is reminded on its
 *   due date instead);
 * - one chase per overdue open action per day, until it is marked done.
 *
 * Each goes to the person the action was given to, or, when it names no one (or they have left the agency), to the
 * agency's meeting staff. E-mails say which agency, which meeting and when it is due, with a link — never a case
 * reference, a name or what the action is (DOMAIN.md §6) — and every one is kept in marac_notifications.
 * The bookkeeping on each action (reminders.repository.ts) makes a second run of the same day send nothing.
 */

export const ACTION_REMINDERS_JOB = 'marac.action-reminders';

export type ReminderDeps = { db: Db; config: Config; mailer: Mailer };
export type ReminderRun = { reminded: number; chased: number; emails: number; sent: number; failed: number };

const t = (key: string, params: Record<string, string | number>) => translate('en', key, params);

/** The e-mail about one action: links only. */
export function actionEmail(config: Config, kind: 'action_reminder' | 'action_chase', action: repo.ClaimedAction, day: string) {
  const params = {
    agency: action.agency_name,
    meeting: formatDate(action.meeting_date),
    due: formatDate(action.due_on),
    link: `${config.baseUrl}/marac/actions/${action.id}`,
  };
  const key =
    kind === 'action_chase' ? 'marac.actions.email.chase' : action.due_on === day ? 'marac.actions.email.dueToday' : 'marac.actions.email.dueTomorrow';
  return { subject: t(`${key}Subject`, params), body: t(`${key}Body`, params) };
}

/** Who hears about each action: its person, if still with the agency, else the agency's meeting staff. */
async function recipients(db: DbOrTx, partnershipId: string, actions: repo.ClaimedAction[]) {
  const assigned = await repo.activeUsers(
    db,
    partnershipId,
    actions.flatMap((a) => (a.assigned_user_id ? [a.assigned_user_id] : [])),
  );
  const byId = new Map(assigned.map((u) => [u.id, u]));
  const person = (a: repo.ClaimedAction) => {
    const user = a.assigned_user_id ? byId.get(a.assigned_user_id) : undefined;
    return user && user.agency_id === a.agency_id ? user : undefined;
  };
  const agencies = [...new Set(actions.filter((a) => !person(a)).map((a) => a.agency_id))];
  const staff = await meetingStaff(db, partnershipId, agencies);
  return (a: repo.ClaimedAction) => {
    const one = person(a);
    return one ? [one] : staff.filter((s) => s.agency_id === a.agency_id);
  };
}

async function runFor(deps: ReminderDeps, partnershipId: string, day: string, now: Date): Promise<ReminderRun> {
  const { db, config, mailer } = deps;
  const made = await db.transaction().execute(async (trx) => {
    const reminders = await repo.claimReminders(trx, partnershipId, day, shiftDays(day, 1), now);
    const chases = await repo.claimChases(trx, partnershipId, day);
    const claimed = [
      ...reminders.map((action) => ({ action, kind: 'action_reminder' as const })),
      ...chases.map((action) => ({ action, kind: 'action_chase' as const })),
    ];
    if (claimed.length === 0) return { rows: [], reminded: 0, chased: 0 };
    const to = await recipients(
      trx,
      partnershipId,
      claimed.map((c) => c.action),
    );
    const rows = await insertNotifications(
      trx,
      claimed.flatMap(({ action, kind }) => {
        const email = actionEmail(config, kind, action, day);
        return to(action).map((user) => ({
          partnership_id: partnershipId,
          meeting_id: action.meeting_id,
          action_id: action.id,
          kind: kind as NotificationKind,
          agency_id: action.agency_id,
          user_id: user.id,
          email: user.email,
          subject: email.subject,
          body: email.body,
          agenda_version: null,
          status: mailer.configured ? ('queued' as const) : ('not_configured' as const),
          error: null,
          sent_by: null,
          sent_at: null,
        }));
      }),
    );
    await recordAudit(trx, {
      action: 'marac.actions.remind',
      outcome: 'success',
      partnershipId,
      requestId: `job-${ACTION_REMINDERS_JOB}-${day}`,
      ip: 'job',
      details: { day, reminded: reminders.map((a) => a.id), chased: chases.map((a) => a.id), emails: rows.length, via: ACTION_REMINDERS_JOB },
    });
    return { rows, reminded: reminders.length, chased: chases.length };
  });
  let sent = 0;
  let failed = 0;
  for (const row of made.rows.filter((r) => r.status === 'queued')) {
    try {
      await mailer.send({ to: row.email, subject: row.subject, text: row.body });
      await setNotificationStatus(db, partnershipId, row.id, 'sent', null);
      sent += 1;
    } catch (error) {
      await setNotificationStatus(db, partnershipId, row.id, 'failed', String((error as Error).message ?? error).slice(0, 500));
      failed += 1;
    }
  }
  return { reminded: made.reminded, chased: made.chased, emails: made.rows.length, sent, failed };
}

/** The day's run for every partnership: `day` is the London date it is for, `now` when it runs. */
export async function runActionReminders(deps: ReminderDeps, day: string, now: Date): Promise<ReminderRun> {
  return withViewer(SYSTEM_VIEWER, async () => {
    const total: ReminderRun = { reminded: 0, chased: 0, emails: 0, sent: 0, failed: 0 };
    for (const { id } of await repo.partnerships(deps.db)) {
      const run = await runFor(deps, id, day, now);
      for (const key of Object.keys(total) as (keyof ReminderRun)[]) total[key] += run[key];
    }
    return total;
  });
}

/** The MARAC module's jobs, for the job runner started with the server (src/server.ts): the reminders from 07:00 London time. */
export function maracJobs(deps: ReminderDeps): { handlers: Record<string, JobHandler>; daily: DailyJob[] } {
  return {
    handlers: {
      [ACTION_REMINDERS_JOB]: async (payload, context) => {
        const day = typeof payload.day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(payload.day) ? payload.day : null;
        if (!day) throw new Error('The reminder job needs the day it is for');
        await runActionReminders(deps, day, context.now);
      },
    },
    daily: [{ name: ACTION_REMINDERS_JOB, fromHour: 7 }],
  };
}
