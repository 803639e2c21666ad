import type { MetricEvent } from './aggregate.js';

/** Numbers per event in EventColumns.numbers. */
const STRIDE = 5;

/**
 * A batch's events as an encoding thread takes them: what their points are made of, the numbers
 * in one buffer that is moved rather than copied, the texts beside it. A copy of the events
 * themselves cost the sending thread as much as encoding them. Absent values (null, undefined)
 * travel as NaN, which no field of a row holds.
 */
export interface EventColumns {
  numbers: Float64Array;
  commands: string[];
  filterNames: (string | null)[];
}

export function toColumns(events: readonly MetricEvent[]): EventColumns {
  const numbers = new Float64Array(events.length * STRIDE);
  const commands = new Array<string>(events.length);
  const filterNames = new Array<string | null>(events.length);
  for (let i = 0; i < events.length; i += 1) {
    const e = events[i] as MetricEvent;
    const at = i * STRIDE;
    numbers[at] = e.epochSeconds ?? NaN;
    numbers[at + 1] = e.exitCode ?? NaN;
    numbers[at + 2] = e.inputTokens;
    numbers[at + 3] = e.outputTokens;
    numbers[at + 4] = e.filterTimeMs;
    commands[i] = e.command;
    filterNames[i] = e.filterName;
  }
  return { numbers, commands, filterNames };
}

export function fromColumns({ numbers, commands, filterNames }: EventColumns): MetricEvent[] {
  const events = new Array<MetricEvent>(commands.length);
  for (let i = 0; i < commands.length; i += 1) {
    const at = i * STRIDE;
    const seconds = numbers[at] as number;
    const exitCode = numbers[at + 1] as number;
    events[i] = {
      epochSeconds: Number.isNaN(seconds) ? undefined : seconds,
      exitCode: Number.isNaN(exitCode) ? null : exitCode,
      inputTokens: numbers[at + 2] as number,
      outputTokens: numbers[at + 3] as number,
      filterTimeMs: numbers[at + 4] as number,
      command: commands[i] as string,
      filterName: filterNames[i] ?? null,
    };
  }
  return events;
}
