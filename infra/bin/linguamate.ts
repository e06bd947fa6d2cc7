import { App } from 'aws-cdk-lib';
import { resolveEnvironment } from '../lib/config';
import { LinguamateStack } from '../lib/linguamate-stack';

/**
 * `cdk synth -c env=staging|production [-c imageTag=<commit>] [-c certificateArn=…] [-c alarmEmail=…]`.
 * Account and region come from CDK_DEFAULT_ACCOUNT/REGION when the CLI has credentials; without them the
 * template stays environment-agnostic (synth needs neither network nor credentials).
 */
const app = new App();
const context = (key: string): string | undefined => {
  const value = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};
const config = resolveEnvironment(context('env') ?? 'staging');
const certificateArn = context('certificateArn') ?? context(`certificateArn:${config.name}`);
if (!certificateArn) throw new Error(`context certificateArn (or certificateArn:${config.name}) is required`);

new LinguamateStack(app, `linguamate-${config.name}`, {
  config,
  certificateArn,
  imageTag: context('imageTag') ?? 'unreleased',
  ...(context('alarmEmail') ? { alarmEmail: context('alarmEmail') } : {}),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  terminationProtection: config.name === 'production',
});
