import type { RedeemResult, SaveIssuanceResult } from '../adapters/app-store.dynamodb.ts';
import type { Achievement, ClaimRecord, CredentialRecord, EventRecord, Issuer, Rule } from '../tables/app-table.ts';

/**
 * In-memory stand-in for `AppStore` with the same semantics (conditional issuance, single-use claims), for use-case
 * tests. The DynamoDB adapter itself is tested against DynamoDB Local.
 */
export class InMemoryStore {
  readonly issuers = new Map<string, Issuer>();
  readonly achievements = new Map<string, Achievement>();
  readonly rules: Rule[] = [];
  readonly sources = new Set<string>();
  readonly events = new Map<string, EventRecord>();
  readonly credentials = new Map<string, CredentialRecord>();
  readonly claims = new Map<string, ClaimRecord>();
  readonly issuances = new Map<string, string>();

  async getIssuer(slug: string) {
    return this.issuers.get(slug);
  }
  async getAchievement(id: string) {
    return this.achievements.get(id);
  }
  async isSourceAllowed(source: string) {
    return this.sources.has(source);
  }
  async findRules(source: string, kind: string, externalId: string) {
    return this.rules.filter((r) => r.source === source && r.kind === kind && r.externalId === externalId);
  }
  async recordEvent(record: EventRecord) {
    this.events.set(record.eventId, structuredClone(record));
  }
  async recordRejection(record: EventRecord, deliveryId: string) {
    const existing = this.events.get(record.eventId);
    const id = existing && existing.outcome !== 'rejected' ? `${record.eventId}/${deliveryId}` : record.eventId;
    this.events.set(id, { ...structuredClone(record), eventId: id });
  }
  async getEvent(eventId: string) {
    return this.events.get(eventId);
  }
  async saveIssuance(credential: CredentialRecord, claim: ClaimRecord): Promise<SaveIssuanceResult> {
    const marker = `${credential.sourceEventId}#${credential.ruleId}`;
    const existing = this.issuances.get(marker);
    if (existing) return { created: false, existingCredentialId: existing };
    this.issuances.set(marker, credential.id);
    this.credentials.set(credential.id, structuredClone(credential));
    this.claims.set(claim.tokenHash, structuredClone(claim));
    return { created: true };
  }
  async getCredential(id: string, _opts?: { consistent?: boolean }) {
    return this.credentials.get(id);
  }
  async getClaim(tokenHash: string) {
    return this.claims.get(tokenHash);
  }
  async redeemClaim(claim: ClaimRecord, now: string): Promise<RedeemResult> {
    const stored = this.claims.get(claim.tokenHash);
    const credential = this.credentials.get(claim.credentialId);
    if (!stored || stored.usedAt || stored.expiresAt <= now || !credential) return 'used-or-expired';
    stored.usedAt = now;
    credential.claimedAt ??= now;
    return 'redeemed';
  }
  async markEmailSent(credentialId: string, at: string) {
    const credential = this.credentials.get(credentialId);
    if (!credential) throw new Error(`no credential ${credentialId}`);
    credential.emailStatus = 'sent';
    credential.emailSentAt = at;
  }
  async ping() {}
}
