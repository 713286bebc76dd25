import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { enqueue, JobQueue, queuedJobs, retryDelayMinutes, startJobRunner, type JobHandler } from './jobs.js';

describe('job queue', () => {
  let database: TestDatabase;
  const db = () => database.db;
  let now = new Date('2026-12-01T09:00:00Z');
  const clock = () => now;

  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.drop());
  beforeEach(async () => {
    now = new Date('2026-12-01T09:00:00Z');
    await sql`delete from jobs`.execute(db());
  });

  const status = async (id: number) =>
    (
      await sql<{
        status: string;
        attempts: number;
        last_error: string | null;
        run_at: Date;
      }>`select status, attempts, last_error, run_at from jobs where id = ${id}`.execute(db())
    ).rows[0]!;

  it('keeps one job per singleton key', async () => {
    const first = await enqueue(db(), { name: 'test.once', singletonKey: 'test.once:2026-12-01' }, clock);
    const second = await enqueue(db(), { name: 'test.once', singletonKey: 'test.once:2026-12-01' }, clock);
    assert.ok(first);
    assert.equal(second, null);
    assert.equal(await queuedJobs(db(), 'test.once'), 1);
  });

  it('runs a job only once it is due, with its payload and the injected time', async () => {
    const seen: { payload: unknown; now: Date }[] = [];
    const queue = new JobQueue(db(), { 'test.later': async (payload, context) => void seen.push({ payload, now: context.now }) }, clock);
    const id = (await queue.enqueue({ name: 'test.later', payload: { day: '2026-12-02' }, runAt: new Date('2026-12-02T07:00:00Z') }))!;
    assert.equal(await queue.workOnce(), false, 'not due yet');
    now = new Date('2026-12-02T07:00:00Z');
    assert.equal(await queue.workOnce(), true);
    assert.deepEqual(seen, [{ payload: { day: '2026-12-02' }, now }]);
    assert.equal((await status(id)).status, 'done');
    assert.equal(await queue.workOnce(), false, 'a done job does not run again');
  });

  it('retries a failing job later, then gives up with its error', async () => {
    let runs = 0;
    const queue = new JobQueue(
      db(),
      {
        'test.fails': async () => {
          runs += 1;
          throw new Error('SMTP server unreachable');
        },
      },
      clock,
    );
    const id = (await queue.enqueue({ name: 'test.fails', maxAttempts: 2 }))!;
    await queue.workAll();
    assert.equal(runs, 1, 'not tried again before its retry time');
    const afterFirst = await status(id);
    assert.deepEqual([afterFirst.status, afterFirst.attempts, afterFirst.last_error], ['queued', 1, 'SMTP server unreachable']);
    assert.equal(afterFirst.run_at.getTime(), now.getTime() + retryDelayMinutes(1) * 60_000);
    now = new Date(now.getTime() + 60 * 60_000);
    await queue.workAll();
    assert.equal(runs, 2);
    assert.deepEqual([(await status(id)).status, (await status(id)).attempts], ['failed', 2]);
  });

  it('a job with no handler fails rather than blocking the queue', async () => {
    const queue = new JobQueue(db(), {}, clock);
    const id = (await queue.enqueue({ name: 'test.unknown', maxAttempts: 1 }))!;
    assert.equal(await queue.workOnce(), true);
    assert.equal((await status(id)).status, 'failed');
    assert.match((await status(id)).last_error ?? '', /No handler/);
  });

  it('two workers at once never run the same job (FOR UPDATE SKIP LOCKED)', async () => {
    const ran: number[] = [];
    const slow: JobHandler = async (_payload, context) => {
      ran.push(context.id);
      await new Promise((resolve) => setTimeout(resolve, 40));
    };
    const a = new JobQueue(db(), { 'test.slow': slow }, clock);
    const b = new JobQueue(db(), { 'test.slow': slow }, clock);
    for (let i = 0; i < 6; i += 1) await a.enqueue({ name: 'test.slow' });
    const [byA, byB] = await Promise.all([a.workAll(), b.workAll()]);
    assert.equal(byA + byB, 6);
    assert.ok(byA > 0 && byB > 0, 'both workers took jobs');
    assert.equal(new Set(ran).size, 6, 'each job ran once');
  });

  it('enqueues a daily job once per London day, from its hour', async () => {
    const days: unknown[] = [];
    const queue = new JobQueue(db(), { 'test.daily': async (payload) => void days.push(payload.day) }, clock);
    const daily = [{ name: 'test.daily', fromHour: 7 }];
    now = new Date('2026-12-01T06:30:00Z'); // 06:30 in London (GMT)
    await queue.enqueueDaily(daily);
    assert.equal(await queuedJobs(db(), 'test.daily'), 0, 'too early');
    now = new Date('2026-12-01T07:05:00Z');
    await queue.enqueueDaily(daily);
    await queue.enqueueDaily(daily);
    await queue.workAll();
    now = new Date('2026-12-01T18:00:00Z');
    await queue.enqueueDaily(daily);
    await queue.workAll();
    now = new Date('2026-12-02T07:00:00Z');
    await queue.enqueueDaily(daily);
    await queue.workAll();
    assert.deepEqual(days, ['2026-12-01', '2026-12-02']);
  });

  it('the runner ticks on start and stops cleanly', async () => {
    const days: unknown[] = [];
    const runner = startJobRunner(db(), {
      handlers: { 'test.daily': async (payload) => void days.push(payload.day) },
      daily: [{ name: 'test.daily', fromHour: 0 }],
      intervalMs: 60_000,
      clock,
    });
    await runner.tick();
    await runner.stop();
    assert.deepEqual(days, ['2026-12-01']);
  });
});
