// A child process for test/ops/guard.test.ts: installs the process guard of `scrutin
// serve` (guardProcess in src/main.ts), then throws what it is told to from a timer —
// outside any request, as a driver's socket callback would — and reports whether it is
// still running a moment later. Run with `node --import tsx test/helpers/guardChild.ts KIND`.
import pino from 'pino';
import { guardProcess } from '../../src/main.js';

if (process.argv[1]?.endsWith('guardChild.ts') === true) {
  guardProcess(pino({ level: 'info' }, pino.destination(1)));
  const kind = process.argv[2];
  setTimeout(() => {
    if (kind === 'driver')
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
    if (kind === 'rejection') void Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), {}));
    if (kind === 'bug') throw new TypeError("Cannot read properties of undefined (reading 'x')");
  }, 10);
  setTimeout(() => {
    process.stdout.write('still serving\n');
    process.exit(0);
  }, 300);
}
