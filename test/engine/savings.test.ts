import { OTHER_COMMANDS, SavingsTally } from '../../src/engine/savings.js';
import { tokfEvent } from '../helpers/events.js';

describe('SavingsTally', () => {
  it('adds tokens saved per command and filter, largest first, floored at zero per event', () => {
    const t = new SavingsTally();
    const at = '2026-03-05T10:22:13Z';
    t.add(
      tokfEvent(1, at, {
        command: 'cargo test',
        filterName: 'cargo/test',
        inputTokens: 1000,
        outputTokens: 100,
      }),
    );
    t.add(
      tokfEvent(2, at, {
        command: 'cargo test',
        filterName: 'cargo/test',
        inputTokens: 500,
        outputTokens: 100,
      }),
    );
    t.add(tokfEvent(3, at, { command: 'ls', filterName: null, inputTokens: 10, outputTokens: 50 }));
    t.add(
      tokfEvent(4, at, {
        command: 'git status',
        filterName: 'git/status',
        inputTokens: 300,
        outputTokens: 100,
      }),
    );
    expect(t.top(2)).toEqual([
      { command: 'cargo test', filter: 'cargo/test', events: 2, tokensSaved: 1300 },
      { command: 'git status', filter: 'git/status', events: 1, tokensSaved: 200 },
    ]);
    expect(t.top(10)).toContainEqual({ command: 'ls', filter: null, events: 1, tokensSaved: 0 });
  });

  it('pools commands beyond its bound instead of growing without end', () => {
    const t = new SavingsTally();
    for (let i = 0; i < 6000; i++)
      t.add(
        tokfEvent(i + 1, '2026-03-05T10:22:13Z', {
          command: `cmd ${i}`,
          inputTokens: 10,
          outputTokens: 0,
        }),
      );
    const other = t.top(6000).find((r) => r.command === OTHER_COMMANDS);
    expect(other).toMatchObject({ events: 1000, tokensSaved: 10000 });
    expect(t.top(10000)).toHaveLength(5001);
  });
});
