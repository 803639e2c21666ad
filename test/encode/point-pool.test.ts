import { Recycler } from '../../src/encode/point-pool.js';

describe('Recycler', () => {
  it('hands out what it made before, in the same order, after each reset, and makes only what more is asked', () => {
    let made = 0;
    const recycler = new Recycler(() => ({ n: ++made }));
    const first = [recycler.next(), recycler.next()];
    expect(first).toEqual([{ n: 1 }, { n: 2 }]);
    recycler.reset();
    const second = [recycler.next(), recycler.next(), recycler.next()];
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(first[1]);
    expect(second[2]).toEqual({ n: 3 });
    expect(made).toBe(3);
  });
});
