import type { RedeemResult, SaveIssuanceResult } from '../adapters/app-store.dynamodb.ts';
import type {
  Achievement,
  AnyRule,
  ApiClient,
  ClaimRecord,
  CredentialRecord,
  DryRunRecord,
  DryRunStatus,
  EventRecord,
  ImageRecord,
  Issuer,
  ProgressRecord,
  ReminderRecord,
  Rule,
  StackRule,
  WalletGrant,
  WalletGrantKind,
} from '../tables/app-table.ts';
import { credentialItems } from '../tables/credential-items.ts';

/**
 * In-memory stand-in for `AppStore` with the same semantics (conditional issuance, single-use claims), for use-case
 * tests. The DynamoDB adapter itself is tested against DynamoDB Local. `credentials` holds each credential whole (its
 * state and document items together); like the table's, every change after issuance touches state fields only.
 */
export class InMemoryStore {
  readonly issuers = new Map<string, Issuer>();
  readonly apiClients = new Map<string, ApiClient>();
  readonly achievements = new Map<string, Achievement>();
  readonly rules: Rule[] = [];
  readonly sources = new Set<string>();
  readonly events = new Map<string, EventRecord>();
  readonly credentials = new Map<string, CredentialRecord>();
  readonly claims = new Map<string, ClaimRecord>();
  readonly issuances = new Map<string, string>();
  readonly reminders = new Map<string, ReminderRecord>();
  readonly grants = new Map<string, WalletGrant>();

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
    // The same item schemas as the table's (state and document items), so a record DynamoDB would refuse fails here.
    credentialItems(credential);
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
  async markEmailSent(credentialId: string, at: string, firstReminder?: ReminderRecord) {
    const credential = this.credentials.get(credentialId);
    if (!credential) throw new Error(`no credential ${credentialId}`);
    credential.emailStatus = 'sent';
    credential.emailSentAt = at;
    if (firstReminder) this.reminders.set(credentialId, structuredClone(firstReminder));
  }
  async dueReminders(day: string, now: string, limit = 100) {
    return [...this.reminders.values()]
      .filter((r) => r.dueAt.slice(0, 10) === day.slice(0, 10) && r.dueAt <= now)
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .slice(0, limit)
      .map((r) => structuredClone(r));
  }
  async advanceReminder(credentialId: string, step: number, next?: ReminderRecord) {
    const current = this.reminders.get(credentialId);
    if (current?.step !== step) return false;
    if (next) this.reminders.set(credentialId, structuredClone(next));
    else this.reminders.delete(credentialId);
    return true;
  }
  async cancelReminder(credentialId: string) {
    this.reminders.delete(credentialId);
  }
  async stopReminders(credentialId: string, at: string) {
    const credential = this.credentials.get(credentialId);
    if (!credential) throw new Error(`no credential ${credentialId}`);
    credential.remindersStoppedAt ??= at;
    this.reminders.delete(credentialId);
  }
  async markEmailProblem(credentialId: string, status: 'bounced' | 'complained', at: string) {
    const credential = this.credentials.get(credentialId);
    if (!credential) return false;
    credential.emailStatus = status;
    credential.emailProblemAt = at;
    this.reminders.delete(credentialId);
    return true;
  }
  async replaceClaim(
    credential: CredentialRecord,
    change: {
      oldTokenHash: string;
      claim: ClaimRecord;
      claimNonce: string;
      recipientEmail: string;
      learnerKey?: string;
    },
  ): Promise<'replaced' | 'conflict'> {
    const stored = this.credentials.get(credential.id);
    if (!stored || stored.claimNonce !== credential.claimNonce || stored.claimedAt) return 'conflict';
    if (this.claims.has(change.claim.tokenHash)) return 'conflict';
    this.claims.delete(change.oldTokenHash);
    this.claims.set(change.claim.tokenHash, structuredClone(change.claim));
    Object.assign(stored, {
      claimNonce: change.claimNonce,
      recipientEmail: change.recipientEmail,
      emailStatus: 'pending',
      emailSentAt: undefined,
      emailProblemAt: undefined,
      ...(change.learnerKey ? { learnerKey: change.learnerKey } : {}),
    });
    this.reminders.delete(credential.id);
    return 'replaced';
  }
  async putWalletGrant(grant: WalletGrant) {
    const key = `${grant.kind}#${grant.secretHash}`;
    if (this.grants.has(key)) throw new Error('grant exists');
    this.grants.set(key, structuredClone(grant));
  }
  async getWalletGrant(kind: WalletGrantKind, secretHash: string) {
    return this.grants.get(`${kind}#${secretHash}`);
  }
  async useWalletGrant(kind: WalletGrantKind, secretHash: string, now: string) {
    const grant = this.grants.get(`${kind}#${secretHash}`);
    if (!grant || grant.usedAt || grant.expiresAt <= now) return undefined;
    grant.usedAt = now;
    return structuredClone(grant);
  }
  async saveIssuerKeys(before: Issuer, after: Issuer) {
    const stored = this.issuers.get(before.slug);
    if (!stored || stored.keyRef !== before.keyRef || stored.keys?.length !== before.keys?.length) return false;
    this.issuers.set(before.slug, structuredClone(after));
    return true;
  }
  async getApiClient(clientId: string) {
    return this.apiClients.get(clientId);
  }
  async putApiClient(client: ApiClient) {
    this.apiClients.set(client.clientId, structuredClone(client));
  }
  // ---- pathways, dry runs, rules and images ----
  readonly stackRules: StackRule[] = [];
  readonly progress = new Map<string, ProgressRecord>();
  readonly dryRuns = new Map<string, DryRunRecord>();
  readonly images = new Map<string, ImageRecord>();
  async getRule(id: string): Promise<AnyRule | undefined> {
    return this.rules.find((r) => r.id === id) ?? this.stackRules.find((r) => r.id === id);
  }
  async findStackRules(achievementId: string) {
    return this.stackRules.filter((r) => r.requires.includes(achievementId)).map((r) => structuredClone(r));
  }
  async addProgress(ruleId: string, learnerKey: string, achievementId: string, at: string) {
    const key = `${ruleId}#${learnerKey}`;
    const current = this.progress.get(key) ?? { ruleId, learnerKey, earned: [], updatedAt: at };
    const earned = [...new Set([...current.earned, achievementId])].sort();
    const next = { ...current, earned, updatedAt: at };
    this.progress.set(key, next);
    return structuredClone(next);
  }
  async getProgress(ruleId: string, learnerKey: string) {
    return this.progress.get(`${ruleId}#${learnerKey}`);
  }
  async completeProgress(ruleId: string, learnerKey: string, credentialId: string) {
    const p = this.progress.get(`${ruleId}#${learnerKey}`);
    if (p) p.credentialId ??= credentialId;
  }
  async recordDryRun(record: DryRunRecord) {
    const key = `${record.eventId}#${record.ruleId}`;
    if (this.dryRuns.has(key)) return false;
    this.dryRuns.set(key, structuredClone(record));
    return true;
  }
  async getDryRun(eventId: string, ruleId: string) {
    return this.dryRuns.get(`${eventId}#${ruleId}`);
  }
  async moveDryRun(
    eventId: string,
    ruleId: string,
    from: readonly DryRunStatus[],
    to: DryRunStatus,
    fields: Partial<Pick<DryRunRecord, 'promotedAt' | 'promotedBy' | 'credentialId' | 'reason'>> = {},
  ) {
    const record = this.dryRuns.get(`${eventId}#${ruleId}`);
    if (!record || !from.includes(record.status)) return false;
    Object.assign(record, Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)), {
      status: to,
    });
    return true;
  }
  async getImage(id: string) {
    return this.images.get(id);
  }
  async ping() {}
}
