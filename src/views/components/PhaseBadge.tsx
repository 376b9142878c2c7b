import type { Phase } from '../../core/election/phase.js';

const LABELS: Record<Phase | 'unavailable', string> = {
  running: 'Voting open',
  upcoming: 'Upcoming',
  completed: 'Closed',
  unavailable: 'Unavailable',
};

export function PhaseBadge({ phase }: { phase: Phase | 'unavailable' }) {
  return <span class={`badge badge-${phase}`}>{LABELS[phase]}</span>;
}
