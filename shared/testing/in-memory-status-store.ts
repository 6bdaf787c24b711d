import { randomUUID } from 'node:crypto';
import type {
  AllocateStatusRequest,
  CommitResult,
  StatusChange,
  StatusListState,
  StatusStoreOptions,
} from '../adapters/status-store.dynamodb.ts';
import { MAX_CHANGES_PER_COMMIT } from '../adapters/status-store.dynamodb.ts';
import {
  emptyEncodedList,
  MAX_INDEX_DRAWS,
  randomStatusIndex,
  STATUS_LIST_CAPACITY,
  STATUS_LIST_LENGTH,
  setStatusBits,
} from '../credentials/status-list.ts';
import type {
  CredentialRecord,
  CredentialStateRecord,
  SignedStatusList,
  StatusChangeRecord,
  StatusEntry,
  StatusHead,
  StatusIndexRecord,
  StatusListBits,
  StatusListRecord,
  StatusPurpose,
} from '../tables/app-table.ts';

/**
 * In-memory stand-in for `StatusStore` with the same semantics (never-shared random indexes, capacity and roll-over,
 * versioned bits, conditional status changes with audit records), for use-case tests. It shares the credential map
 * of an `InMemoryStore`, as both adapters share one table.
 */
export class InMemoryStatusStore {
  readonly heads = new Map<string, StatusHead>();
  readonly lists = new Map<string, StatusListRecord>();
  readonly bits = new Map<string, StatusListBits>();
  readonly signed = new Map<string, SignedStatusList>();
  readonly indexes = new Map<string, StatusIndexRecord>();
  readonly changes: StatusChangeRecord[] = [];
  /** Set to make the next commits fail as if the table were unreachable. */
  fail = false;
  private readonly listLength: number;
  private readonly listCapacity: number;
  private readonly random: (length: number) => number;

  constructor(
    private readonly credentials: Map<string, CredentialRecord>,
    options: StatusStoreOptions = {},
  ) {
    this.listLength = options.listLength ?? STATUS_LIST_LENGTH;
    this.listCapacity = options.listCapacity ?? STATUS_LIST_CAPACITY;
    this.random = options.random ?? randomStatusIndex;
  }

  async allocateStatusIndex(request: AllocateStatusRequest): Promise<StatusEntry> {
    const key = `${request.issuerSlug}#${request.purpose}`;
    let head = this.heads.get(key);
    if (!head || head.allocated >= this.listCapacity) {
      head = {
        issuerSlug: request.issuerSlug,
        purpose: request.purpose,
        listId: await this.openList(request.issuerSlug, request.purpose, request.at),
        allocated: 0,
      };
      this.heads.set(key, head);
    }
    for (let draw = 0; draw < MAX_INDEX_DRAWS; draw++) {
      const index = this.random(this.listLength);
      const indexKey = `${head.listId}#${index}`;
      if (this.indexes.has(indexKey)) continue;
      this.indexes.set(indexKey, {
        listId: head.listId,
        index,
        credentialId: request.credentialId,
        purpose: request.purpose,
        achievementId: request.achievementId,
        allocatedAt: request.at,
      });
      head.allocated += 1;
      return { purpose: request.purpose, listId: head.listId, index };
    }
    throw new Error(`status list ${head.listId}: ${MAX_INDEX_DRAWS} index draws all collided`);
  }

  private async openList(issuerSlug: string, purpose: StatusPurpose, at: string) {
    const listId = randomUUID();
    this.lists.set(listId, { listId, issuerSlug, purpose, length: this.listLength, createdAt: at });
    this.bits.set(listId, { listId, encodedList: await emptyEncodedList(this.listLength), version: 0, updatedAt: at });
    return listId;
  }

  async getStatusList(listId: string): Promise<StatusListState | undefined> {
    const list = this.lists.get(listId);
    const bits = this.bits.get(listId);
    if (!list || !bits) return undefined;
    const signed = this.signed.get(listId);
    return structuredClone({ list, bits, ...(signed ? { signed } : {}) });
  }

  async saveSignedStatusList(signed: SignedStatusList): Promise<void> {
    const existing = this.signed.get(signed.listId);
    if (
      !existing ||
      existing.version < signed.version ||
      (existing.version === signed.version && existing.validUntil < signed.validUntil)
    )
      this.signed.set(signed.listId, structuredClone(signed));
  }

  /** State only, as the DynamoDB store reads it (the document item is not read). */
  async getCredentials(ids: readonly string[]): Promise<CredentialStateRecord[]> {
    return [...new Set(ids)].flatMap((id) => {
      const c = this.credentials.get(id);
      if (!c) return [];
      const { document: _document, ...state } = structuredClone(c);
      return [state];
    });
  }

  async credentialIdsOfAchievement(
    achievementId: string,
    page: { cursor?: string; limit?: number } = {},
  ): Promise<{ ids: string[]; cursor?: string }> {
    const all = [...this.indexes.values()]
      .filter((i) => i.purpose === 'revocation' && i.achievementId === achievementId)
      .map((i) => i.credentialId)
      .sort();
    const start = page.cursor ? Number(page.cursor) : 0;
    const end = start + (page.limit ?? 500);
    return { ids: all.slice(start, end), ...(end < all.length ? { cursor: String(end) } : {}) };
  }

  async commitStatusChange(input: {
    listId: string;
    action: StatusChange['action'];
    changes: readonly StatusChange[];
  }): Promise<CommitResult> {
    if (this.fail) throw new Error('table unavailable');
    const { listId, action, changes } = input;
    if (changes.length > MAX_CHANGES_PER_COMMIT) throw new Error(`at most ${MAX_CHANGES_PER_COMMIT} changes a commit`);
    const bits = this.bits.get(listId);
    if (!bits) throw new Error(`status list ${listId} does not exist`);
    const conflicts = changes
      .filter((c) => {
        const credential = this.credentials.get(c.credentialId);
        if (!credential || credential.revokedAt) return true;
        if (action === 'suspend') return credential.suspendedAt !== undefined;
        if (action === 'reinstate') return credential.suspendedAt === undefined;
        return false;
      })
      .map((c) => c.credentialId);
    if (conflicts.length > 0) return { committed: false, conflicts };
    bits.encodedList = await setStatusBits(
      bits.encodedList,
      changes.map((c) => c.index),
      action !== 'reinstate',
    );
    bits.version += 1;
    bits.updatedAt = changes[0]?.at ?? bits.updatedAt;
    for (const change of changes) {
      const credential = this.credentials.get(change.credentialId) as CredentialRecord;
      if (action === 'revoke') credential.revokedAt = change.at;
      if (action === 'suspend') credential.suspendedAt = change.at;
      if (action === 'reinstate') {
        delete credential.suspendedAt;
        credential.reinstatedAt = change.at;
      }
      this.changes.push(structuredClone(change));
    }
    return { committed: true };
  }

  async statusChangesOf(credentialId: string): Promise<StatusChangeRecord[]> {
    return this.changes.filter((c) => c.credentialId === credentialId);
  }
}
