import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverFiles, orderRotated } from '../../src/jsonl/discover.js';
import { UsageError } from '../../src/errors.js';

describe('orderRotated', () => {
  it('puts rotated siblings oldest first and the live file last, group by group', () => {
    const names = [
      'metrics.jsonl',
      'metrics-2026-03-05T10-00-00.000.jsonl.gz',
      'logs.jsonl',
      'metrics-2026-03-04T23-59-59.999.jsonl',
      'logs-1700000000.jsonl',
      'logs-999.jsonl',
    ];
    expect(orderRotated(names)).toEqual([
      'logs-999.jsonl',
      'logs-1700000000.jsonl',
      'logs.jsonl',
      'metrics-2026-03-04T23-59-59.999.jsonl',
      'metrics-2026-03-05T10-00-00.000.jsonl.gz',
      'metrics.jsonl',
    ]);
  });

  it("takes the Collector file exporter's rotated names, with the reason after the time", () => {
    const names = [
      'received.jsonl',
      'received-2026-11-29T13-29-52.343-size.jsonl',
      'received-2026-11-29T13-29-52.251-size.jsonl.gz',
      'received-2026-11-28T00-00-00.000-time.jsonl',
      'received-2026-11-29T13-29-52.300-manual.jsonl',
    ];
    expect(orderRotated(names)).toEqual([
      'received-2026-11-28T00-00-00.000-time.jsonl',
      'received-2026-11-29T13-29-52.251-size.jsonl.gz',
      'received-2026-11-29T13-29-52.300-manual.jsonl',
      'received-2026-11-29T13-29-52.343-size.jsonl',
      'received.jsonl',
    ]);
  });

  it('does not take a name whose suffix is not a time for a rotation', () => {
    expect(orderRotated(['a-b.jsonl', 'a.jsonl'])).toEqual(['a.jsonl', 'a-b.jsonl']);
  });
});

describe('discoverFiles', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'discover-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("takes a directory's *.jsonl and *.jsonl.gz files only, not recursively", () => {
    for (const name of ['t.jsonl', 't-2.jsonl.gz', 'notes.txt', 'x.json'])
      writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'sub.jsonl'));
    writeFileSync(join(dir, 'sub.jsonl', 'deep.jsonl'), '');
    expect(discoverFiles([dir])).toEqual([
      { path: join(dir, 't-2.jsonl.gz'), gzip: true },
      { path: join(dir, 't.jsonl'), gzip: false },
    ]);
  });

  it('keeps files in the order given, each once', () => {
    writeFileSync(join(dir, 'b.jsonl'), '');
    writeFileSync(join(dir, 'a.jsonl'), '');
    const b = join(dir, 'b.jsonl');
    expect(discoverFiles([b, dir]).map((f) => f.path)).toEqual([b, join(dir, 'a.jsonl')]);
  });

  it('refuses a missing path and an empty directory', () => {
    expect(() => discoverFiles([join(dir, 'none')])).toThrow(UsageError);
    expect(() => discoverFiles([dir])).toThrow(/no \*\.jsonl/);
  });
});
