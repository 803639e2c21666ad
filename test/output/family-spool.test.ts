import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FamilySpool } from '../../src/output/family-spool.js';

const dirs: string[] = [];
function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spool-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('FamilySpool', () => {
  it('joins interleaved lines family by family, in the order the families were opened', () => {
    const dir = tmpDir();
    const spool = new FamilySpool(path.join(dir, 'out.txt'));
    const a = spool.family('# a\n');
    const empty = spool.family('# empty\n');
    const b = spool.family('# b\n');
    a.append('a1\n');
    b.append('b1\n');
    a.append('a2\n');
    b.append('b2\n');
    expect(empty.header).toBe('# empty\n');
    spool.commit('# end\n');
    expect(fs.readFileSync(spool.path, 'utf8')).toBe('# a\na1\na2\n# empty\n# b\nb1\nb2\n# end\n');
    // The parts and the copy are gone: the file is all that is left.
    expect(fs.readdirSync(dir)).toEqual(['out.txt']);
  });

  it('spools a family larger than its buffer through its part file and copies it back whole', () => {
    const dir = tmpDir();
    const spool = new FamilySpool(path.join(dir, 'big.txt'));
    const first = spool.family('');
    const second = spool.family('# second\n');
    const line = `${'x'.repeat(999)}\n`;
    // 3 MB: several flushes of the 256 KiB buffer, and more than one 1 MiB copy.
    for (let i = 0; i < 3000; i++) first.append(line);
    expect(fs.existsSync(`${spool.path}.part0`)).toBe(true);
    second.append('last\n');
    spool.commit('');
    const text = fs.readFileSync(spool.path, 'utf8');
    expect(text.length).toBe(3000 * 1000 + '# second\nlast\n'.length);
    expect(text.endsWith(`${line}# second\nlast\n`)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['big.txt']);
  });

  it('leaves an earlier file as it was when discarded, and removes its parts', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'kept.txt');
    fs.writeFileSync(file, 'earlier run\n');
    const spool = new FamilySpool(file);
    const part = spool.family('# a\n');
    for (let i = 0; i < 300; i++) part.append(`${'y'.repeat(1023)}\n`);
    expect(fs.readdirSync(dir).sort()).toEqual(['kept.txt', 'kept.txt.part0']);
    spool.discard();
    expect(fs.readdirSync(dir)).toEqual(['kept.txt']);
    expect(fs.readFileSync(file, 'utf8')).toBe('earlier run\n');
  });

  it('on a failed join removes the parts and the copy, and leaves no half file', () => {
    const dir = tmpDir();
    const spool = new FamilySpool(path.join(dir, 'torn.txt'));
    const part = spool.family('# a\n');
    for (let i = 0; i < 300; i++) part.append(`${'z'.repeat(1023)}\n`);
    // The part file is swapped for a link to a directory: it opens, and the copy fails reading it.
    fs.rmSync(`${spool.path}.part0`);
    fs.symlinkSync(tmpDir(), `${spool.path}.part0`);
    expect(() => spool.commit('# end\n')).toThrow(/EISDIR/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
