import { describeServiceError } from '../../src/action/service-error.js';
import { catchRestoreFailure } from '../../src/action/restore-failures.js';

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

describe('catchRestoreFailure', () => {
  it("takes the cache toolkit's failure annotation for the caller, leaving other output alone", async () => {
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    let result: { value: string; failure: string | undefined };
    try {
      result = await catchRestoreFailure(async () => {
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

  it('reports no failure when there was none, and puts stdout back', async () => {
    const before = process.stdout.write;
    expect(await catchRestoreFailure(async () => 'key')).toEqual({
      value: 'key',
      failure: undefined,
    });
    expect(process.stdout.write).toBe(before);
  });
});
