import { freeNow, isWholeBuffer } from '../../src/encode/body-buffer.js';

const detached = (b: ArrayBufferLike) => (b as ArrayBuffer & { detached: boolean }).detached;

describe('freeNow', () => {
  it('frees a body that is all of its buffer', () => {
    const body = new Uint8Array(1 << 20).fill(7);
    const { buffer } = body;
    freeNow(body);
    expect(detached(buffer)).toBe(true);
    expect(body.byteLength).toBe(0);
    freeNow(body); // already freed: nothing to do
  });

  it("leaves a view into a larger buffer, such as a small Buffer from Node's pool, and what shares it", () => {
    const whole = new ArrayBuffer(64);
    const view = new Uint8Array(whole, 0, 16);
    freeNow(view);
    expect(detached(whole)).toBe(false);
    expect(view.byteLength).toBe(16);

    const pooled = Buffer.from('a small body');
    const neighbour = Buffer.from('another one');
    expect(pooled.buffer).toBe(neighbour.buffer);
    freeNow(pooled);
    expect(neighbour.toString()).toBe('another one');
    expect(pooled.toString()).toBe('a small body');
  });

  it('leaves a buffer shared with other threads', () => {
    const shared = new Uint8Array(new SharedArrayBuffer(32));
    freeNow(shared);
    expect(shared.byteLength).toBe(32);
  });

  it('tells a body that spans its buffer from a view into a larger one', () => {
    const whole = new Uint8Array(32);
    expect(isWholeBuffer(whole)).toBe(true);
    expect(isWholeBuffer(whole.subarray(0, 16))).toBe(false);
    expect(isWholeBuffer(whole.subarray(8))).toBe(false);
  });
});
