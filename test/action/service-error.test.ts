import { describeServiceError } from '../../src/action/service-error.js';
import { catchCacheFailure } from '../../src/action/cache-failures.js';

describe('describeServiceError', () => {
  it('keeps a message that says something', () => {
    expect(describeServiceError(new Error('Failed to CreateArtifact: 500'))).toBe(
      'Failed to CreateArtifact: 500',
    );
  });

  it('never leaves an empty message empty: name, status, code and request, without the signature', () => {
    // What Azure's storage client throws for a bare 401.
    const err = Object.assign(new Error(''), {
      name: 'RestError',
      statusCode: 401,
      code: 'NoAuthenticationInformation',
      request: {
        method: 'PUT',
        url: 'https://results-receiver.blob.core.windows.net/actions-results/a/b.zip?sig=SECRETSIG&se=2026',
      },
    });
    const text = describeServiceError(err);
    expect(text).toBe(
      'RestError: HTTP 401 (NoAuthenticationInformation) from PUT https://results-receiver.blob.core.windows.net/actions-results/a/b.zip',
    );
    expect(text).not.toContain('SECRETSIG');
    expect(describeServiceError(new Error(''))).toBe('Error');
    expect(describeServiceError('')).toBe('an error with no message');
  });

  it('adds fetch\'s cause to its bare "fetch failed"', () => {
    const err = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    });
    expect(describeServiceError(err)).toBe('fetch failed (connect ECONNREFUSED 127.0.0.1:1)');
  });
});

describe('catchCacheFailure', () => {
  it("takes the cache toolkit's failure annotation for the caller, leaving other output alone", async () => {
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    let result: { value: string; failure: string | undefined };
    try {
      result = await catchCacheFailure(async () => {
        process.stdout.write('::debug::Resolved Keys:\n');
        process.stdout.write(
          '::warning::Failed to restore: Cache service responded with 503%0Aretry later\n',
        );
        return 'miss';
      });
    } finally {
      process.stdout.write = write;
    }
    expect(result.value).toBe('miss');
    expect(result.failure).toBe('Cache service responded with 503\nretry later');
    expect(written).toEqual([
      '::debug::Resolved Keys:\n',
      'Failed to restore: Cache service responded with 503\nretry later\n',
    ]);
  });

  it("takes a save's failure, an annotation or a plain line", async () => {
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const denied = await catchCacheFailure(async () => {
        process.stdout.write('::warning::Failed to save: cache write denied: read-only token\n');
        return -1;
      });
      expect(denied.failure).toBe('cache write denied: read-only token');
      const taken = await catchCacheFailure(async () => {
        process.stdout.write('Failed to save: Unable to reserve cache with key k, 100%25 taken\n');
        return -1;
      });
      expect(taken.failure).toBe('Unable to reserve cache with key k, 100%25 taken');
    } finally {
      process.stdout.write = write;
    }
    expect(written).toEqual([
      'Failed to save: cache write denied: read-only token\n',
      'Failed to save: Unable to reserve cache with key k, 100%25 taken\n',
    ]);
  });

  it('reports no failure when there was none, and puts stdout back', async () => {
    const before = process.stdout.write;
    expect(await catchCacheFailure(async () => 'key')).toEqual({
      value: 'key',
      failure: undefined,
    });
    expect(process.stdout.write).toBe(before);
  });
});
