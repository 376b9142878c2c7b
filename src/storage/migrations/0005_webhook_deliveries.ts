// Migration 5: the GitHub webhook deliveries already acted on, by their
// X-GitHub-Delivery id, so that a replayed delivery does not sync again. In the
// database rather than in memory so every replica refuses a replay, whichever one
// received the original. Rows are pruned after a week (src/storage/webhooks.ts).
import type { Migration } from 'kysely';
import type { DbKind } from '../../config.js';
import { createIndex, exec, tableColumns, types, type AnyDb } from './util.js';

export function webhookDeliveries(kind: DbKind): Migration {
  return {
    async up(db: AnyDb) {
      const t = types(kind);
      if (!(await tableColumns(db)).has('scrutin_webhook_delivery')) {
        await exec(
          db,
          `CREATE TABLE ${t.quote('scrutin_webhook_delivery')} (delivery_id VARCHAR(100) NOT NULL, received_at ${t.timestamp} NOT NULL, PRIMARY KEY (delivery_id))${t.tableSuffix}`,
        );
      }
      await createIndex(db, kind, 'scrutin_webhook_delivery_received', 'scrutin_webhook_delivery', ['received_at']);
    },
  };
}
