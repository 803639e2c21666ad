import { PointPool } from '../../src/encode/aggregate.js';
import { bodiesByCase, directEncode, GOLDEN, pooledEncode } from '../helpers/request-bodies.js';

describe('request bodies', () => {
  it('are byte for byte those of main 4339afd for the same events (delta, cumulative, logs, traces; protobuf and JSON; split and whole)', () => {
    expect(bodiesByCase(directEncode)).toEqual(GOLDEN);
  });

  it('are the same with the points recycled from one pool through every case, as an encoder does', () => {
    expect(bodiesByCase(pooledEncode(new PointPool()))).toEqual(GOLDEN);
  });
});
