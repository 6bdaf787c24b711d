/**
 * Local mode's adapters stand in for AWS calls: the local signer for KMS `Sign`, the local claim key for KMS
 * `GenerateMac`, SMTP for SES `SendEmail`, each making one stand-in call where its AWS adapter makes one API call.
 * The benchmark's cost model (bench/lib/aws-calls.ts) listens here to count them; with no listener this does nothing.
 */
export type StandInListener = (service: 'KMS' | 'SESv2', operation: string) => void;

let listener: StandInListener | undefined;

/** Sets (or, with `undefined`, removes) the one listener. */
export const listenToStandInCalls = (next: StandInListener | undefined): void => {
  listener = next;
};

/** Called by a local adapter each time it does what an AWS call would do on AWS. */
export const standInCall = (service: 'KMS' | 'SESv2', operation: string): void => listener?.(service, operation);
