import { parseEventTime, type TokfEvent } from '../../src/source/tokf-event.js';

/** A TokfEvent as the source would yield it, for tests of the stages after the source. */
export function tokfEvent(
  id: number,
  timestamp: string,
  overrides: Partial<TokfEvent> = {},
): TokfEvent {
  return {
    id,
    timestamp,
    epochSeconds: parseEventTime(timestamp),
    command: 'cargo test',
    filterName: 'cargo/test',
    inputTokens: 1000,
    outputTokens: 200,
    filterTimeMs: 12,
    exitCode: 0,
    coverFrom: id,
    ...overrides,
  };
}
