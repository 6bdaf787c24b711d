import type { ChangeStatus } from '#services/status/app/change-status.ts';
import { type Actor, assertCanManage, forbidden } from '../domain/actor.ts';
import { notFound } from './issuers.ts';
import type { ConsoleStore } from './ports.ts';

/** The status commands the console uses (services/status/commands.ts `statusCommands(...)`). */
export type StatusCommands = Pick<ChangeStatus, 'revoke' | 'suspend' | 'reinstate' | 'revokeMany'>;

export type BulkRevokeSelector = { credentialIds: string[] } | { achievementId: string } | { sourceEventId: string };

/** `admin:<sub>`: who changed a credential's status, for its audit record (never the email). */
export const statusActor = (actor: Actor) => `admin:${actor.sub}`;

/**
 * Revoke, suspend, reinstate and bulk revoke from the console, scoped like everything else: admins any credential,
 * issuer admins their issuers' only (someone who may not see a credential learns nothing, not even that it exists).
 *
 * 1. Load the credential (or the achievement, for a bulk revocation) and check the actor manages its issuer.
 * 2. Hand the change to the status commands with the reason and `admin:<sub>`.
 */
export const makeCredentialStatus = ({ store, status }: { store: ConsoleStore; status: StatusCommands }) => {
  const visible = async (actor: Actor, id: string) => {
    const credential = await store.getCredential(id);
    if (!credential) throw notFound('credential');
    try {
      assertCanManage(actor, credential.issuerSlug);
    } catch {
      throw notFound('credential');
    }
    return credential;
  };
  const single =
    (action: 'revoke' | 'suspend' | 'reinstate') => async (actor: Actor, credentialId: string, reason: string) => {
      await visible(actor, credentialId);
      return status[action]({ credentialId, reason, actor: statusActor(actor) });
    };
  return {
    revoke: single('revoke'),
    suspend: single('suspend'),
    reinstate: single('reinstate'),
    revokeMany: async (
      actor: Actor,
      input: { selector: BulkRevokeSelector; reason: string; cursor?: string | undefined; limit?: number | undefined },
    ) => {
      const { selector } = input;
      if ('achievementId' in selector) {
        const achievement = await store.getAchievement(selector.achievementId);
        if (!achievement) throw notFound('achievement');
        assertCanManage(actor, achievement.issuerSlug);
      } else if ('credentialIds' in selector) {
        for (const id of selector.credentialIds) await visible(actor, id);
      } else if (!actor.roles.has('admin')) {
        // One event may have awarded credentials of several issuers.
        throw forbidden('only admins may revoke by event');
      }
      return status.revokeMany({
        selector,
        reason: input.reason,
        actor: statusActor(actor),
        ...(input.cursor ? { cursor: input.cursor } : {}),
        ...(input.limit ? { limit: input.limit } : {}),
      });
    },
  };
};
