import { readLineage, writeLineage } from '../../src/progress/lineage.js';
import { base } from '../helpers/progress-db.js';
import { removeTmpDirs } from '../helpers/tokf-db.js';

afterAll(removeTmpDirs);

describe('the lineage', () => {
  it('replaces the lineage', () => {
    const path = base(1, 0);
    writeLineage(path, ['k1', 'k2']);
    writeLineage(path, ['k2', 'k3']);
    expect(readLineage(path)).toEqual(['k2', 'k3']);
  });
});
