import {
  addTokens,
  DailyTally,
  emptyTokens,
  OTHER_COMMANDS,
  programOf,
  SavingsTally,
} from '../../src/engine/savings.js';
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

  it('orders rows that saved alike as first seen, across filters, and works out each label once', () => {
    const labelled: string[] = [];
    const t = new SavingsTally((c) => {
      labelled.push(c);
      return c.split(' ')[0]!;
    });
    const at = '2026-03-05T10:22:13Z';
    const add = (id: number, command: string, filterName: string | null) =>
      t.add(tokfEvent(id, at, { command, filterName, inputTokens: 20, outputTokens: 10 }));
    add(1, 'git log', 'git/log');
    add(2, 'ls -la', null);
    add(3, 'git status', 'git/log');
    add(4, 'cargo build', 'cargo/build');
    add(5, 'ls -la', null);
    add(6, 'cargo build', 'cargo/build');
    add(7, 'git log', 'git/log');
    expect(t.top(10)).toEqual([
      { command: 'git', filter: 'git/log', events: 3, tokensSaved: 30 },
      { command: 'ls', filter: null, events: 2, tokensSaved: 20 },
      { command: 'cargo', filter: 'cargo/build', events: 2, tokensSaved: 20 },
    ]);
    expect(labelled).toEqual(['git log', 'ls -la', 'git status', 'cargo build']);
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

describe('programOf', () => {
  it.each([
    ['git status --short', 'git status'],
    ['cargo test -p core', 'cargo test'],
    ['/usr/bin/git log --oneline', 'git log'],
    ['FOO=1 BAR=x npm run build', 'npm run'],
    ['echo ghp_secretsecret', 'echo'],
    ['curl https://user:pw@host/x', 'curl'],
    ['ls', 'ls'],
    ['', '(empty)'],
  ])('%j is %j', (command, expected) => {
    expect(programOf(command)).toBe(expected);
  });
});

describe('token totals and days', () => {
  it('sum input and output, and saved floored at zero per event as the tokens.saved metric', () => {
    const t = emptyTokens();
    const days = new DailyTally();
    const events = [
      tokfEvent(1, '2026-03-05T23:59:59Z', { inputTokens: 1000, outputTokens: 100 }),
      tokfEvent(2, '2026-03-06T00:00:00Z', { inputTokens: 10, outputTokens: 50 }),
      tokfEvent(3, '2026-03-06T10:00:00Z', { inputTokens: 300, outputTokens: 100 }),
    ];
    for (const e of events) {
      addTokens(t, e);
      days.add(e);
    }
    expect(t).toEqual({ events: 3, input: 1310, output: 250, saved: 1100 });
    expect(days.list()).toEqual([
      { day: '2026-03-05', events: 1, tokensSaved: 900 },
      { day: '2026-03-06', events: 2, tokensSaved: 200 },
    ]);
  });

  it('tallies by program and subcommand when asked', () => {
    const t = new SavingsTally(programOf);
    const at = '2026-03-05T10:22:13Z';
    t.add(
      tokfEvent(1, at, { command: 'git commit -m "token abc"', inputTokens: 50, outputTokens: 0 }),
    );
    t.add(tokfEvent(2, at, { command: 'git commit -m other', inputTokens: 30, outputTokens: 0 }));
    expect(t.top(5)).toEqual([
      { command: 'git commit', filter: 'cargo/test', events: 2, tokensSaved: 80 },
    ]);
  });
});
