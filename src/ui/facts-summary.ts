import type { HostFacts } from '../model/facts.js';
// STUB
export function formatFactsSummary(facts: HostFacts): string {
  return `${JSON.stringify(facts)}\n`;
}
