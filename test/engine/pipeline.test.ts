import { OrderedPipeline } from '../../src/engine/pipeline.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe('OrderedPipeline', () => {
  it('runs jobs one at a time in the order pushed, however long each takes', async () => {
    const p = new OrderedPipeline(3);
    const log: string[] = [];
    let running = 0;
    const job = (name: string, ms: number) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      running -= 1;
    };
    await p.push(job('a', 30));
    await p.push(job('b', 1));
    await p.push(job('c', 10));
    await p.push(job('d', 1));
    expect(await p.drain()).toBeUndefined();
    expect(log).toEqual([
      'start a',
      'end a',
      'start b',
      'end b',
      'start c',
      'end c',
      'start d',
      'end d',
    ]);
  });

  it('holds the caller back while `depth` jobs wait', async () => {
    const p = new OrderedPipeline(2);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await p.push(() => gate);
    let returned = false;
    const second = p.push(async () => {}).then(() => (returned = true));
    await tick();
    expect(returned).toBe(false); // two jobs wait: the caller waits too
    release();
    await second;
    expect(returned).toBe(true);
    await p.drain();
  });

  it('skips the jobs after one that threw and reports its error on drain', async () => {
    const p = new OrderedPipeline(5);
    const ran: number[] = [];
    await p.push(async () => void ran.push(1));
    await p.push(async () => {
      throw new Error('boom');
    });
    await p.push(async () => void ran.push(3));
    const err = await p.drain();
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('boom');
    expect(ran).toEqual([1]);
  });

  it('does not let a failed job reject the push that waits on it', async () => {
    const p = new OrderedPipeline(1);
    await expect(
      p.push(async () => {
        throw new Error('boom');
      }),
    ).resolves.toBeUndefined();
    expect(await p.drain()).toBeInstanceOf(Error);
  });

  it('says it failed once a job threw, so that the caller stops preparing jobs that would never run', async () => {
    const p = new OrderedPipeline(2);
    let fail!: (err: Error) => void;
    await p.push(() => new Promise<void>((_, reject) => (fail = reject)));
    expect(p.failed).toBe(false);
    fail(new Error('the encoding thread died'));
    await p.push(async () => {});
    expect(p.failed).toBe(true);
    expect(((await p.drain()) as Error).message).toBe('the encoding thread died');
  });
});
