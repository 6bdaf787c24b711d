export { AchievementEarnedV1, type AchievementEarnedV1 as AchievementEarnedV1Detail } from './achievement-earned.v1.ts';
export { CredentialIssuedV1, type CredentialIssuedV1 as CredentialIssuedV1Detail } from './credential-issued.v1.ts';
export {
  CredentialReinstatedV1,
  CredentialRevokedV1,
  type CredentialStatusChangedV1,
  CredentialSuspendedV1,
} from './credential-status.v1.ts';
export * from './define-event.ts';
export { DryRunPromotedV1, type DryRunPromotedV1 as DryRunPromotedV1Detail } from './dry-run-promoted.v1.ts';
