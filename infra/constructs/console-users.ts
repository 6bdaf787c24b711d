import { CfnOutput, Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** The console's groups; `issuer-admin:<slug>` groups are made per issuer when needed (README). */
export const CONSOLE_GROUPS = ['admin', 'reviewer', 'viewer'] as const;

export interface ConsoleUsersProps {
  /** The institution's user pool (shared with the VC-API clients). */
  userPool: cognito.IUserPool;
  /** Email addresses per group: each becomes a user (Cognito emails a temporary password) in that group. */
  members: Readonly<Record<(typeof CONSOLE_GROUPS)[number], readonly string[]>>;
  /** The public host: the console's sign-in callback is `https://<domain>/admin/callback`. */
  domain: string;
}

/**
 * The console's people in the user pool: the admin, reviewer and viewer groups, the users named at deploy time,
 * and the app client the console signs in with (authorization code with PKCE, or SRP; no secret, 1-hour tokens).
 * API Gateway's JWT authorizer accepts this client's ID tokens on every `/admin/api` route.
 */
export class ConsoleUsers extends Construct {
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: ConsoleUsersProps) {
    super(scope, id);
    const groups = new Map(
      CONSOLE_GROUPS.map((group) => [
        group,
        new cognito.CfnUserPoolGroup(this, `Group-${group}`, {
          userPoolId: props.userPool.userPoolId,
          groupName: group,
          description: `Laurel console: ${group}`,
        }),
      ]),
    );
    const seen = new Map<string, cognito.CfnUserPoolUser>();
    for (const group of CONSOLE_GROUPS) {
      for (const email of props.members[group]) {
        const key = email.toLowerCase();
        let user = seen.get(key);
        if (!user) {
          user = new cognito.CfnUserPoolUser(this, `User-${key}`, {
            userPoolId: props.userPool.userPoolId,
            username: key,
            desiredDeliveryMediums: ['EMAIL'],
            userAttributes: [
              { name: 'email', value: key },
              { name: 'email_verified', value: 'true' },
            ],
          });
          seen.set(key, user);
        }
        const attachment = new cognito.CfnUserPoolUserToGroupAttachment(this, `Member-${group}-${key}`, {
          userPoolId: props.userPool.userPoolId,
          groupName: group,
          username: key,
        });
        attachment.addDependency(user);
        attachment.addDependency(groups.get(group) as cognito.CfnUserPoolGroup);
      }
    }
    this.client = props.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'laurel-console',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`https://${props.domain}/admin/callback`],
        logoutUrls: [`https://${props.domain}/admin`],
      },
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    new CfnOutput(this, 'ConsoleClientId', {
      value: this.client.userPoolClientId,
      description: 'The console app client: its ID tokens are the bearer tokens of /admin/api',
    });
  }
}
