import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { VC_API_ISSUE_SCOPE, VC_API_RESOURCE_SERVER } from '#shared/runtime/access-token.ts';

export interface VcApiClientsProps {
  /** The user pool that issues the tokens (the institution's, shared with the console). */
  userPool: cognito.IUserPool;
  /** One confidential app client per name: each system that calls `POST /credentials/issue` gets its own. */
  clientNames: readonly string[];
  /**
   * Prefix of the Cognito hosted domain whose `/oauth2/token` endpoint issues the tokens; unique in the region.
   * @default `laurel-<account id>`
   */
  domainPrefix?: string;
}

/**
 * OAuth 2.0 client credentials for the W3C VC-API issue route: a resource server with the issue scope, a Cognito
 * domain for the token endpoint, and one confidential app client per calling system (client-credentials flow only,
 * 1-hour access tokens). Which issuers a client may sign for is data, not infrastructure: `laurel client set`.
 */
export class VcApiClients extends Construct {
  /** `iss` of the access tokens; its JWKS verifies them. */
  readonly tokenIssuer: string;
  /** The pool's hosted-UI domain (`https://<prefix>.auth.<region>.amazoncognito.com`): the console signs in there too. */
  readonly hostedUiBaseUrl: string;
  readonly tokenUrl: string;
  readonly clients: readonly cognito.UserPoolClient[];

  constructor(scope: Construct, id: string, props: VcApiClientsProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const server = props.userPool.addResourceServer('ResourceServer', {
      identifier: VC_API_RESOURCE_SERVER.identifier,
      userPoolResourceServerName: 'Laurel VC-API',
      scopes: [
        new cognito.ResourceServerScope({
          scopeName: VC_API_RESOURCE_SERVER.scope,
          scopeDescription: 'Sign credentials with the issuers the client is registered for',
        }),
      ],
    });
    // Spelled out (not derived from the server's token) so the template names the scope the authorizer demands.
    const issueScope = cognito.OAuthScope.custom(VC_API_ISSUE_SCOPE);

    const domain = props.userPool.addDomain('TokenDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `laurel-${stack.account}` },
    });
    this.hostedUiBaseUrl = domain.baseUrl();
    this.tokenUrl = `${domain.baseUrl()}/oauth2/token`;
    this.tokenIssuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${props.userPool.userPoolId}`;

    this.clients = props.clientNames.map((name) => {
      const client = props.userPool.addClient(`Client${name.replace(/[^A-Za-z0-9]/g, '')}`, {
        userPoolClientName: `laurel-vc-api-${name}`,
        generateSecret: true,
        authFlows: {},
        oAuth: { flows: { clientCredentials: true }, scopes: [issueScope] },
        accessTokenValidity: Duration.hours(1),
        enableTokenRevocation: true,
        preventUserExistenceErrors: true,
      });
      client.node.addDependency(server);
      new CfnOutput(this, `ClientId${name.replace(/[^A-Za-z0-9]/g, '')}`, {
        value: client.userPoolClientId,
        description: `VC-API client "${name}": map it to issuers with \`laurel client set <id> --issuers ...\`; its secret is in the Cognito console`,
      });
      return client;
    });

    new CfnOutput(this, 'TokenUrl', { value: this.tokenUrl, description: 'VC-API OAuth 2.0 token endpoint' });
  }
}
