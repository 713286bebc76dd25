import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, path.resolve('./data'));
    assert.equal(config.session.idleMinutes, 30);
    assert.equal(config.session.absoluteHours, 12);
    assert.equal(config.signIn.maxFailures, 5);
    assert.equal(config.signIn.lockMinutes, 15);
    assert.equal(config.loadDemo, true, 'the embedded default loads the demo');
    assert.equal(config.baseUrl, 'http://localhost:3000');
  });

  it('does not load the demo into a production database unless asked', () => {
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u:p@db/harbour' }).loadDemo, false);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u:p@db/harbour', HARBOUR_DEMO: 'true' }).loadDemo, true);
  });

  it('lists every problem at once, not just the first', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', HARBOUR_SESSION_IDLE_MINUTES: '-5', SMTP_URL: 'http://mail' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const fields = error.problems.map((p) => p.split(':')[0]);
        assert.deepEqual(fields.sort(), ['DATABASE_URL', 'HARBOUR_SESSION_IDLE_MINUTES', 'PORT', 'SMTP_URL']);
        assert.match(error.message, /4 problem/);
        return true;
      },
    );
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadConfig({ PORT: '', DATABASE_URL: '' }).port, 3000);
  });
});
