import { bodiesByCase, directEncode, GOLDEN } from '../helpers/request-bodies.js';

describe('request bodies', () => {
  it('are byte for byte those of main 4339afd for the same events (delta, cumulative, logs, traces; protobuf and JSON; split and whole)', () => {
    expect(bodiesByCase(directEncode)).toEqual(GOLDEN);
  });
});
