import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type EnvironmentName, resolveEnvironment } from '../lib/config';
import { LinguamateStack } from '../lib/linguamate-stack';

const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', `file://${__filename}`), 'utf8')) as {
  context: Record<string, unknown>;
};

const templates = new Map<EnvironmentName, Template>();

/** The stack of one environment as CloudFormation, synthesized offline with cdk.json's feature flags. */
export function synth(name: EnvironmentName): Template {
  let template = templates.get(name);
  if (!template) {
    const app = new App({ context: cdkJson.context });
    const stack = new LinguamateStack(app, `linguamate-${name}`, {
      config: resolveEnvironment(name),
      certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/test',
      imageTag: 'abc1234',
    });
    template = Template.fromStack(stack);
    templates.set(name, template);
  }
  return template;
}

export const ENVIRONMENTS: readonly EnvironmentName[] = ['staging', 'production'];

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string };

/** The logical ids and bodies of every resource of a type. */
export function resources(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

/** The one resource of a type (fails when there are none or several). */
export function only(template: Template, type: string): Resource & { Properties: Record<string, unknown> } {
  const found = resources(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [, resource] = found[0]!;
  return { ...resource, Properties: resource.Properties ?? {} };
}
