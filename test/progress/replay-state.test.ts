import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayState } from '../../src/progress/replay-state.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'replay-state-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const id = (ino: string, firstLine: string) => ({ dev: '1', ino, firstLine, size: 100 });

describe('ReplayState', () => {
  it('recognises a file by inode and first line, a copy by its first line, a reused inode as replaced', () => {
    const path = join(dir, 'sub', 'state.db');
    const state = ReplayState.open(path, false);
    expect(state.find(id('7', 'h1'))).toEqual({ recognition: 'new', offset: 0, line: 0 });
    state.save(id('7', 'h1'), 120, 3, '/f.jsonl', new Date());
    state.save(id('7', 'h1'), 160, 4, '/f-1.jsonl', new Date());
    expect(state.find(id('7', 'h1'))).toEqual({ recognition: 'same', offset: 160, line: 4 });
    expect(state.find(id('8', 'h1'))).toEqual({ recognition: 'copy', offset: 160, line: 4 });
    expect(state.find(id('7', 'h2'))).toEqual({ recognition: 'replaced', offset: 0, line: 0 });
    // What the inode held before is forgotten once it is recorded with its new content.
    state.save(id('7', 'h2'), 10, 1, '/f.jsonl', new Date());
    expect(state.find(id('9', 'h1')).recognition).toBe('new');
    state.close();
    // Durable: a new connection sees it.
    const again = ReplayState.open(path, true);
    expect(again.find(id('7', 'h2'))).toMatchObject({ recognition: 'same', offset: 10 });
    again.close();
  });

  it('opened read-only where there is none, creates nothing and knows nothing', () => {
    const path = join(dir, 'none.db');
    const state = ReplayState.open(path, true);
    expect(state.find(id('1', 'h')).recognition).toBe('new');
    state.close();
    expect(existsSync(path)).toBe(false);
  });
});
