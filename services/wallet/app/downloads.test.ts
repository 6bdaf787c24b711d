import { describe, expect, it } from 'vitest';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture } from '#shared/testing/issuance.ts';
import { makeDownloads } from './downloads.ts';

describe('downloads', () => {
  it('gives the stored record of an unclaimed credential, its signed document unchanged', async () => {
    // Prepare
    const fx = await makeIssuanceFixture();
    const { credentialIds } = await fx.award({ source: 'demo.lms', event: achievementEarned({ eventId: 'd-1' }) });
    const id = credentialIds[0] as string;

    // Act
    const record = await makeDownloads({ store: fx.store }).record(id);

    // Assess
    expect(record.id).toBe(id);
    expect(record.claimedAt).toBeUndefined();
    expect(record.document).toEqual(fx.store.credentials.get(id)?.document);
  });

  it('answers 404 for a credential it does not hold', async () => {
    // Prepare
    const fx = await makeIssuanceFixture();

    // Act
    const lookup = makeDownloads({ store: fx.store }).record('00000000-0000-4000-8000-000000000000');

    // Assess
    await expect(lookup).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });
});
