// GitHub webhook deliveries already acted on, by X-GitHub-Delivery id, shared by all
// replicas through the database. The primary key decides races: of two replicas
// receiving the same delivery at once, exactly one insert succeeds.
import type { Kysely } from 'kysely';
import { isUniqueViolation } from './errors.js';
import type { Database } from './schema.js';
import { toDbTime } from './time.js';

/** How long a delivery id is remembered: GitHub lets a delivery be redelivered for 3 days. */
export const DELIVERY_RETENTION_DAYS = 7;

export class WebhookDeliveryRepo {
  constructor(
    private readonly db: Kysely<Database>,
    /**
     * Deliveries are remembered per community: each community's webhook is its own
     * GitHub hook, and one community's ids must never silence another's.
     */
    private readonly community = '',
  ) {}

  /**
   * Records the delivery; false when it was already recorded (a replay). Ids older
   * than the retention are forgotten on the way, so the table stays small.
   */
  async recordFirst(deliveryId: string, now: Date): Promise<boolean> {
    const horizon = new Date(now.getTime() - DELIVERY_RETENTION_DAYS * 86_400_000);
    await this.db.deleteFrom('scrutin_webhook_delivery').where('received_at', '<', toDbTime(horizon)).execute();
    try {
      await this.db
        .insertInto('scrutin_webhook_delivery')
        .values({ delivery_id: this.community === '' ? deliveryId : `${this.community}:${deliveryId}`, received_at: toDbTime(now) })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
