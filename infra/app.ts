/**
 * The CDK app: reads the configuration from context, builds the paystep stack in the configured
 * region, and checks it with cdk-nag's AwsSolutions rules (findings fail synth unless suppressed
 * with a reason in nag-suppressions.ts).
 *
 * @example
 * npx cdk synth -c environment=dev
 * npx cdk deploy -c environment=prod -c alertEmail=ops@example.com -c approvedEmailDomains=example.com
 */
import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readStackConfig } from './config.js';
import { resourceName } from './naming.js';
import { PaymentStack } from './payment-stack.js';

const app = new App();
const config = readStackConfig((key) => app.node.tryGetContext(key), process.env);
new PaymentStack(app, resourceName('stack', 'paystep', config), {
  config,
  env: {
    region: config.region,
    ...(config.account !== undefined ? { account: config.account } : {}),
  },
  description: `paystep payment workflow (${config.environment})`,
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
