// Small named values shared by every replica through the database: the generated
// APP_KEY (SPEC §8) and the meta revision replicas follow (SPEC §2).
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './errors.js';
import type { Database } from './schema.js';
import { toDbTime } from './time.js';

export class SettingRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async get(name: string): Promise<string | null> {
    const row = await this.db.selectFrom('scrutin_setting').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value ?? null;
  }

  async set(name: string, value: string, now: Date): Promise<void> {
    const at = toDbTime(now);
    const updated = await this.db.updateTable('scrutin_setting').set({ value, updated_at: at }).where('name', '=', name).executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;
    try {
      await this.db.insertInto('scrutin_setting').values({ name, value, updated_at: at }).execute();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      await this.db.updateTable('scrutin_setting').set({ value, updated_at: at }).where('name', '=', name).execute();
    }
  }

  /** Stores `value` unless a value exists; returns whichever value won (first writer wins). */
  async getOrInit(name: string, value: string, now: Date): Promise<string> {
    const existing = await this.get(name);
    if (existing !== null) return existing;
    try {
      await this.db
        .insertInto('scrutin_setting')
        .values({ name, value, updated_at: toDbTime(now) })
        .execute();
      return value;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.get(name);
      if (winner === null) throw error;
      return winner;
    }
  }
}
