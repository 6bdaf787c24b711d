import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from '../stacks/config.ts';
import { addLaurelStacks } from '../stacks/laurel.ts';

/**
 * Laurel on AWS. Context: `domain` (public host), `senderAddress`, `adminEmails` (comma-separated),
 * optional `certificateArn`, `account`, `region`. Example:
 *   npx cdk deploy --all -c domain=badges.example.edu -c senderAddress=badges@example.edu -c adminEmails=ops@example.edu
 */
const app = new App();
addLaurelStacks(app, readConfig(app));
// cdk-nag 3 is a policy-validation plugin: any finding not acknowledged (with a reason) on its resource fails synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
