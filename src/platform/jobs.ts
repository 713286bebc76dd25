import { sql, type Generated, type Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import { SYSTEM_VIEWER, withViewer } from '../db/viewer.js';
import { londonToday } from './format.js';

/**
 * A job queue kept in PostgreSQL (migration 2026-11-23T2200_jobs; DESIGN.md: "jobs … live in PostgreSQL").
 *
 * - `enqueue` adds a job; with a `singletonKey` the same key is only ever one job, so a daily job enqueued by every
 *   app server every minute is still run once a day.
 * - `workOnce` takes the oldest due job with SELECT … FOR UPDATE SKIP LOCKED and runs its handler while holding the
 *   row lock: another worker skips it, and if this process dies the lock goes with it and the job runs again. A
 *   handler must therefore be safe to run twice (the MARAC reminders keep their own bookkeeping).
 * - A failed run is retried later (1, 2, 4… minutes) up to the job's `maxAttempts`, then left `failed` with its error.
 * - Time comes from a clock the caller passes, so tests run "tomorrow" without waiting for it.
 *
 * Jobs run outside any request, as the system (ADR 0003): a handler decides what it reads and whom it tells.
 */

export type JobsTable = {
  id: Generated<number>;
  name: string;
  payload: unknown;
  singleton_key: string | null;
  run_at: Generated<Date>;
  status: Generated<'queued' | 'done' | 'failed'>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
};

type JobsDb = Kysely<{ jobs: JobsTable }>;

export type Clock = () => Date;
export type JobContext = { id: number; name: string; attempt: number; now: Date };
export type JobHandler = (payload: Record<string, unknown>, context: JobContext) => Promise<void>;
export type Job = { name: string; payload?: Record<string, unknown>; singletonKey?: string; runAt?: Date; maxAttempts?: number };

/** A job that runs once a London day, from `fromHour` (London time) on, with the day (YYYY-MM-DD) in its payload. */
export type DailyJob = { name: string; fromHour: number };

const jobsOf = (db: Db) => db.withTables<{ jobs: JobsTable }>() as unknown as JobsDb;

const londonHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hourCycle: 'h23' });

/** The key that makes a daily job one job per London day. */
export const dailyKey = (name: string, day: string) => `${name}:${day}`;

/** Adds a job; returns its id, or null when a job with the same singleton key already exists. */
export async function enqueue(db: Db, job: Job, clock: Clock = () => new Date()): Promise<number | null> {
  const row = await jobsOf(db)
    .insertInto('jobs')
    .values({
      name: job.name,
      payload: JSON.stringify(job.payload ?? {}),
      singleton_key: job.singletonKey ?? null,
      run_at: job.runAt ?? clock(),
      ...(job.maxAttempts ? { max_attempts: job.maxAttempts } : {}),
      last_error: null,
      started_at: null,
      finished_at: null,
    })
    .onConflict((oc) => oc.column('singleton_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** Minutes before the next try after `attempts` failed runs: 1, 2, 4 … up to an hour. */
export const retryDelayMinutes = (attempts: number) => Math.min(60, 2 ** Math.max(0, attempts - 1));

export class JobQueue {
  constructor(
    private readonly db: Db,
    private readonly handlers: Record<string, JobHandler>,
    private readonly clock: Clock = () => new Date(),
  ) {}

  enqueue(job: Job): Promise<number | null> {
    return enqueue(this.db, job, this.clock);
  }

  /** Enqueues today's run of each daily job once its hour has come (a no-op for a day already enqueued). */
  async enqueueDaily(jobs: DailyJob[]): Promise<void> {
    const now = this.clock();
    const day = londonToday(now);
    for (const job of jobs) {
      if (Number(londonHour.format(now)) < job.fromHour) continue;
      await this.enqueue({ name: job.name, payload: { day }, singletonKey: dailyKey(job.name, day), runAt: now });
    }
  }

  /** Takes and runs one due job. Returns false when none is due (or every due one is being run elsewhere). */
  async workOnce(): Promise<boolean> {
    const now = this.clock();
    return withViewer(SYSTEM_VIEWER, () =>
      jobsOf(this.db)
        .transaction()
        .execute(async (trx) => {
          const job = await trx
            .selectFrom('jobs')
            .select(['id', 'name', 'payload', 'attempts', 'max_attempts'])
            .where('status', '=', 'queued')
            .where('run_at', '<=', now)
            .orderBy('run_at')
            .orderBy('id')
            .limit(1)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst();
          if (!job) return false;
          const attempt = job.attempts + 1;
          const handler = this.handlers[job.name];
          try {
            if (!handler) throw new Error(`No handler for job "${job.name}"`);
            await handler((job.payload ?? {}) as Record<string, unknown>, { id: job.id, name: job.name, attempt, now });
            await trx
              .updateTable('jobs')
              .set({ status: 'done', attempts: attempt, started_at: now, finished_at: this.clock(), last_error: null })
              .where('id', '=', job.id)
              .execute();
          } catch (error) {
            const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
            const giveUp = attempt >= job.max_attempts;
            await trx
              .updateTable('jobs')
              .set({
                attempts: attempt,
                started_at: now,
                last_error: message,
                ...(giveUp
                  ? { status: 'failed' as const, finished_at: this.clock() }
                  : { run_at: new Date(now.getTime() + retryDelayMinutes(attempt) * 60_000) }),
              })
              .where('id', '=', job.id)
              .execute();
          }
          return true;
        }),
    );
  }

  /** Runs due jobs until none is left; returns how many ran. */
  async workAll(limit = 100): Promise<number> {
    let ran = 0;
    while (ran < limit && (await this.workOnce())) ran += 1;
    return ran;
  }
}

export type JobRunner = { tick(): Promise<void>; stop(): Promise<void> };

/**
 * Polls the queue every `intervalMs`: enqueues today's daily jobs, then runs what is due. One tick at a time; `stop`
 * waits for the tick in progress. Failures are logged and the next tick carries on.
 */
export function startJobRunner(
  db: Db,
  options: { handlers: Record<string, JobHandler>; daily?: DailyJob[]; intervalMs?: number; clock?: Clock; onError?: (error: unknown) => void },
): JobRunner {
  const queue = new JobQueue(db, options.handlers, options.clock);
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = running.then(async () => {
      if (stopped) return;
      try {
        await queue.enqueueDaily(options.daily ?? []);
        await queue.workAll();
      } catch (error) {
        options.onError?.(error);
      }
    });
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs ?? 60_000);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** How many jobs wait, for tests and the command line. */
export async function queuedJobs(db: Db, name?: string): Promise<number> {
  let query = jobsOf(db)
    .selectFrom('jobs')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'queued');
  if (name) query = query.where('name', '=', name);
  return (await query.executeTakeFirstOrThrow()).n;
}
