import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseAt } from '../../src/core/election/phase.js';

const election = { startDatetime: new Date('2024-01-01T00:00:00Z'), endDatetime: new Date('2024-01-10T00:00:00Z') };

test('phase: a second before the start is upcoming, the start itself is running', () => {
  assert.equal(phaseAt(election, new Date('2023-12-31T23:59:59Z')), 'upcoming');
  assert.equal(phaseAt(election, new Date('2024-01-01T00:00:00Z')), 'running');
});

test('phase: the last second before the end is running, the end itself is completed', () => {
  assert.equal(phaseAt(election, new Date('2024-01-09T23:59:59Z')), 'running');
  assert.equal(phaseAt(election, new Date('2024-01-10T00:00:00Z')), 'completed');
});
