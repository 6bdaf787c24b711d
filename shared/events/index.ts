export { AchievementEarnedV1, type AchievementEarnedV1 as AchievementEarnedV1Detail } from './achievement-earned.v1.ts';
export { CredentialIssuedV1, type CredentialIssuedV1 as CredentialIssuedV1Detail } from './credential-issued.v1.ts';
export * from './define-event.ts';
