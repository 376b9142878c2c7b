// Start-up with a COMMUNITIES file, shared by the single process (src/main.ts) and a
// cluster's primary (src/cluster/primary.ts): how many communities sync at once, how
// long one community's first sync may hold start-up, and the hand-over of the
// single-community days' elections to the default community.
import type pino from 'pino';
import type { CommunityConfig } from '../config.js';
import type { Store } from '../storage/store.js';

/** How many communities sync at once at startup: git and parsing, bounded for a 2-core host. */
export const STARTUP_SYNCS = 4;
/**
 * How long start-up waits for one community's first sync. A slow or hung git host
 * then delays the service by this much at most; that community's elections appear when
 * its sync finishes.
 */
export const COMMUNITY_FIRST_SYNC_WAIT_MS = 30_000;

/**
 * The elections of the single-community days (community '') belong to the default
 * community once a COMMUNITIES file names one: every ballot, passphrase and exception
 * request stays attached (election ids do not change). Without a default they are
 * left alone and the operator is told.
 */
export async function adoptIntoDefault(store: Store, communities: readonly CommunityConfig[], log: pino.Logger, now: Date): Promise<void> {
  const target = communities.find((c) => c.isDefault);
  if (target === undefined) {
    const waiting = await store.elections.list();
    if (waiting.length > 0)
      log.warn(
        { elections: waiting.map((e) => e.key) },
        'this database holds elections from before COMMUNITIES, which no community serves: mark the community they belong to `default: true`',
      );
    return;
  }
  const view = store.forCommunity(target.key);
  const { adopted, conflicts } = await view.transaction((tx) => tx.elections.adoptUnassigned(now), { attempts: 3 });
  if (adopted.length > 0)
    log.info({ community: target.key, elections: adopted }, 'elections from before COMMUNITIES now belong to the default community');
  if (conflicts.length > 0)
    log.warn(
      { community: target.key, elections: conflicts },
      'elections from before COMMUNITIES have keys the default community already uses: left as they were (`scrutin elections list`)',
    );
}
