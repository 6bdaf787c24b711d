import { describe, expect, it } from 'vitest';
import { makeChangeStatus } from '#services/status/app/change-status.ts';
import { achievementEarned } from '#shared/testing/fixtures.ts';
import { makeIssuanceFixture, TEST_BASE_URL } from '#shared/testing/issuance.ts';
import { runCredentialCommand } from './credential-status.ts';

const setup = async () => {
  const fixture = await makeIssuanceFixture();
  const status = makeChangeStatus({
    store: fixture.statusStore,
    lookups: fixture.store,
    publisher: {
      revoked: async () => {},
      suspended: async () => {},
      reinstated: async () => {},
      credentialIssued: async () => {},
    },
    clock: { now: () => new Date('2026-06-01T09:00:00.000Z') },
    publicBaseUrl: TEST_BASE_URL,
  });
  const issue = async (eventId: string) =>
    (await fixture.award({ source: 'demo.lms', event: achievementEarned({ eventId }) })).credentialIds[0] as string;
  const run = (input: Partial<Parameters<typeof runCredentialCommand>[1]>, progress?: (l: string) => void) =>
    runCredentialCommand(status, { verb: 'revoke', ids: [], actor: 'cli:ops', reason: 'error', ...input }, progress);
  return { ...fixture, issue, run };
};

describe('laurel credential …', () => {
  it('revokes one credential, then says it already was, and shows who did it and why', async () => {
    const ctx = await setup();
    const id = await ctx.issue('evt-cli-1');
    expect(await ctx.run({ ids: [id], reason: 'wrong roster' })).toBe(`credential ${id} revoked`);
    expect(await ctx.run({ ids: [id] })).toBe(`credential ${id} was already revoked (2026-06-01T09:00:00.000Z)`);
    expect(await ctx.run({ verb: 'status', ids: [id] })).toBe(
      '2026-06-01T09:00:00.000Z  revoke    by cli:ops: wrong roster',
    );
  });

  it('revokes by event, by achievement (all pages) and by several ids, reporting what it could not', async () => {
    const ctx = await setup();
    const a = await ctx.issue('evt-cli-a');
    expect(await ctx.run({ event: 'evt-cli-a' })).toBe('1 revoked, 0 already revoked, of 1 matched');
    const b = await ctx.issue('evt-cli-b');
    expect(await ctx.run({ ids: [a, b, 'ghost'] })).toBe(
      '1 revoked, 1 already revoked, of 3 matched\nnot found: ghost',
    );
    for (let i = 0; i < 3; i++) await ctx.issue(`evt-cli-more-${i}`);
    expect(await ctx.run({ achievement: 'intro-to-cs' })).toBe('3 revoked, 2 already revoked, of 5 matched');
  });

  it('refuses ambiguous or incomplete commands with the usage, and reports use-case errors', async () => {
    const ctx = await setup();
    const id = await ctx.issue('evt-cli-x');
    await expect(ctx.run({ ids: [id], event: 'evt-cli-x' })).rejects.toThrow('usage: credential revoke');
    await expect(ctx.run({})).rejects.toThrow('usage');
    await expect(ctx.run({ verb: 'suspend', ids: [id, id] })).rejects.toThrow('usage');
    await expect(ctx.run({ verb: 'delete', ids: [id] })).rejects.toThrow('usage');
    await expect(ctx.run({ ids: [id], reason: '' })).rejects.toThrow('reason must be 1 to 500 characters');
    await expect(ctx.run({ verb: 'suspend', ids: [id] })).rejects.toThrow('not suspendable');
    expect(ctx.store.credentials.get(id)?.revokedAt).toBeUndefined();
  });
});
