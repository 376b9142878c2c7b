// Every test app checks its logs at close() for secrets its clients sent or
// received (passphrases, OAuth codes, session cookies) and for ballot fields. This
// proves the check would catch a leak, so the whole suite's silence means something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leakedSecrets, startTestApp } from '../helpers/app.js';

test('a passphrase a client posted, written to a log line, fails the test app at close', async () => {
  const t = await startTestApp();
  const c = t.client();
  await c.post('/login/dev', { username: 'alice', password: 'correct horse battery' }, { csrfFrom: '/login' });
  assert.ok(t.secrets.has('correct horse battery'));
  t.service.ctx.log.info({ note: 'correct horse battery' }, 'a careless line');
  await assert.rejects(t.close(), /secrets reached the logs/);
});

test('the scan flags ballot fields and session cookies too', () => {
  assert.equal(leakedSecrets(['{"msg":"ok"}'], new Set(['s3cr3t-cookie-value-123'])).length, 0);
  assert.equal(leakedSecrets(['{"form":{"candidate@ann":"1"}}'], new Set()).length, 1);
  assert.equal(leakedSecrets(['{"cookie":"s3cr3t-cookie-value-123"}'], new Set(['s3cr3t-cookie-value-123'])).length, 1);
});
