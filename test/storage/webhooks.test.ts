// The record of webhook deliveries already acted on, on each database: the first
// record of an id wins (also when replicas race), and ids are forgotten after the
// retention, so the table stays small.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DELIVERY_RETENTION_DAYS } from '../../src/storage/webhooks.js';
import { Store } from '../../src/storage/store.js';
import { dialects, freshDatabase, type TestDatabase } from '../helpers/db.js';

const DAY = 86_400_000;

for (const kind of dialects()) {
  describe(`webhook deliveries on ${kind}`, () => {
    let database: TestDatabase;
    let store: Store;
    before(async () => {
      database = await freshDatabase(kind);
      store = Store.open(database.config);
      await store.migrate();
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test('the first record of an id is true, every later one false, until the retention has passed', async () => {
      const t0 = new Date('2030-03-01T12:00:00Z');
      assert.equal(await store.webhooks.recordFirst('72d3162e-cc78-11e3-81ab-4c9367dc0958', t0), true);
      assert.equal(await store.webhooks.recordFirst('72d3162e-cc78-11e3-81ab-4c9367dc0958', t0), false);
      assert.equal(
        await store.webhooks.recordFirst(
          '72d3162e-cc78-11e3-81ab-4c9367dc0958',
          new Date(t0.getTime() + (DELIVERY_RETENTION_DAYS - 1) * DAY),
        ),
        false,
      );
      assert.equal(await store.webhooks.recordFirst('another-delivery', t0), true, 'ids are independent');
      const later = new Date(t0.getTime() + (DELIVERY_RETENTION_DAYS + 1) * DAY);
      assert.equal(await store.webhooks.recordFirst('72d3162e-cc78-11e3-81ab-4c9367dc0958', later), true, 'forgotten after the retention');
      const rows = await store.db.selectFrom('scrutin_webhook_delivery').select('delivery_id').execute();
      assert.deepEqual(
        rows.map((r) => r.delivery_id),
        ['72d3162e-cc78-11e3-81ab-4c9367dc0958'],
        'older ids were pruned',
      );
    });

    test('of twenty simultaneous records of one id, exactly one is first', async () => {
      const now = new Date('2030-04-01T00:00:00Z');
      const firsts = await Promise.all(Array.from({ length: 20 }, () => store.webhooks.recordFirst('raced-delivery', now)));
      assert.equal(firsts.filter(Boolean).length, 1);
    });
  });
}
