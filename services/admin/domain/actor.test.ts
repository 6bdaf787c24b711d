import { describe, expect, it } from 'vitest';
import { actorFromClaims, canManage, groupsOf } from './actor.ts';

describe('groupsOf', () => {
  it("reads API Gateway's `[a b]`, JSON arrays, comma lists, single values and native arrays", () => {
    expect(groupsOf('[admin reviewer]')).toEqual(['admin', 'reviewer']);
    expect(groupsOf('["admin","issuer-admin:demo"]')).toEqual(['admin', 'issuer-admin:demo']);
    expect(groupsOf('admin,viewer')).toEqual(['admin', 'viewer']);
    expect(groupsOf('viewer')).toEqual(['viewer']);
    expect(groupsOf(['reviewer'])).toEqual(['reviewer']);
    expect(groupsOf(undefined)).toEqual([]);
    expect(groupsOf('[]')).toEqual([]);
  });
});

describe('actorFromClaims', () => {
  it('maps groups to roles and issuer-admin groups to issuers, ignoring anything else', () => {
    const actor = actorFromClaims({
      sub: 'u1',
      email: 'a@example.edu',
      'cognito:groups': '[reviewer issuer-admin:demo issuer-admin:Bad_Slug superuser]',
    });
    expect(actor && [...actor.roles].sort()).toEqual(['issuer-admin', 'reviewer']);
    expect(actor?.issuers).toEqual(['demo']);
    expect(actor?.email).toBe('a@example.edu');
  });

  it('is undefined without a subject: no verified token reached the function', () => {
    expect(actorFromClaims(undefined)).toBeUndefined();
    expect(actorFromClaims({ 'cognito:groups': '[admin]' })).toBeUndefined();
    expect(actorFromClaims({ sub: '' })).toBeUndefined();
  });

  it('lets admins manage every issuer and issuer admins their own only', () => {
    const admin = actorFromClaims({ sub: 'a', 'cognito:groups': '[admin]' });
    const scoped = actorFromClaims({ sub: 'b', 'cognito:groups': '[issuer-admin:demo]' });
    const viewer = actorFromClaims({ sub: 'c', 'cognito:groups': '[viewer]' });
    if (!admin || !scoped || !viewer) throw new Error('no actor');
    expect([
      canManage(admin, 'x'),
      canManage(scoped, 'demo'),
      canManage(scoped, 'x'),
      canManage(viewer, 'demo'),
    ]).toEqual([true, true, false, false]);
  });
});
