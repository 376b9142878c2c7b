// `scrutin serve` with WORKERS > 1, as src/commands/serve.ts runs it (the real primary,
// the real workers and their IPC), except for two test settings the command has no
// variable for: cheap key derivations for new ballots, and a small per-voter derivation
// limit (SCRUTIN_TEST_DERIVATIONS, default 3 in 15 minutes), so that a test reaches the
// limit in seconds. Run as `node --import tsx test/helpers/clusterServe.ts`, with the
// configuration in the environment; Node's cluster runs this same file in the workers.
import cluster from 'node:cluster';
import { startPrimary } from '../../src/cluster/primary.js';
import { linkToPrimary } from '../../src/cluster/worker.js';
import { loadConfig } from '../../src/config.js';
import { startService, stopOnSignals } from '../../src/main.js';
import { CHEAP_KDF } from './ballotHarness.js';

const config = loadConfig(process.env, process.cwd(), { purpose: 'serve' });
if (cluster.isPrimary) {
  const primary = await startPrimary(config, {
    onListening: (workers) => {
      process.stdout.write(`cluster serving with ${String(workers)} workers\n`);
    },
  });
  process.exitCode = await primary.stopped;
} else {
  const link = linkToPrimary(config, config.workers, () => new Date());
  const service = await startService(config, {
    cluster: link,
    ballots: { newParams: CHEAP_KDF, derivations: { max: Number(process.env.SCRUTIN_TEST_DERIVATIONS ?? 3), windowMinutes: 15 } },
  });
  stopOnSignals(service, () => {
    if (process.connected) process.disconnect();
  });
}
