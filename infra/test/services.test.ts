import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { ROLES, SECRET_ENV_KEYS } from '../lib/config';
import { resources, synth } from './synth';

const template = synth('production');

type Ingress = {
  CidrIp?: string;
  CidrIpv6?: string;
  FromPort?: number;
  ToPort?: number;
  SourceSecurityGroupId?: unknown;
};
type Container = {
  Environment?: { Name: string; Value: unknown }[];
  Secrets?: { Name: string; ValueFrom: unknown }[];
  HealthCheck?: { Command: string[] };
};

/** Every ingress rule of the template, inline or standalone, with the group it opens. */
function ingressRules(): { group: string; rule: Ingress }[] {
  const rules: { group: string; rule: Ingress }[] = [];
  for (const [id, sg] of resources(template, 'AWS::EC2::SecurityGroup')) {
    for (const rule of (sg.Properties?.SecurityGroupIngress ?? []) as Ingress[])
      rules.push({ group: id, rule });
  }
  for (const [, ingress] of resources(template, 'AWS::EC2::SecurityGroupIngress')) {
    const props = ingress.Properties as Ingress & { GroupId: { 'Fn::GetAtt': [string, string] } };
    rules.push({ group: props.GroupId['Fn::GetAtt'][0], rule: props });
  }
  return rules;
}
const logicalId = (prefix: string) => {
  const ids = Object.keys(template.findResources('AWS::EC2::SecurityGroup')).filter((id) =>
    id.startsWith(prefix),
  );
  assert.equal(ids.length, 1, `one security group ${prefix}*`);
  return ids[0]!;
};

describe('security groups', () => {
  it('open nothing to the internet except the load balancer on 443 and 80', () => {
    const alb = logicalId('NetworkAlbSg');
    const open = ingressRules().filter(({ rule }) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0');
    assert.deepEqual(
      open.map(({ group, rule }) => [group, rule.FromPort, rule.ToPort]).sort(),
      [
        [alb, 443, 443],
        [alb, 80, 80],
      ].sort(),
    );
  });

  for (const [name, prefix, port] of [
    ['PostgreSQL', 'NetworkDatabaseSg', 5432],
    ['Redis', 'NetworkRedisSg', 6379],
  ] as const) {
    it(`let only the services' security group reach ${name}`, () => {
      const group = logicalId(prefix);
      const rules = ingressRules()
        .filter((entry) => entry.group === group)
        .map(({ rule }) => rule);
      assert.deepEqual(
        rules.map((rule) => [rule.SourceSecurityGroupId, rule.FromPort, rule.ToPort]),
        [[{ 'Fn::GetAtt': [logicalId('NetworkServiceSg'), 'GroupId'] }, port, port]],
      );
    });
  }

  it('let only the load balancer reach the services', () => {
    const service = logicalId('NetworkServiceSg');
    const rules = ingressRules()
      .filter((entry) => entry.group === service)
      .map(({ rule }) => rule);
    assert.ok(rules.length > 0);
    for (const rule of rules) {
      assert.deepEqual(rule.SourceSecurityGroupId, { 'Fn::GetAtt': [logicalId('NetworkAlbSg'), 'GroupId'] });
    }
  });

  it('keep the data stores in isolated subnets', () => {
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^NetworkVpcdataSubnet') }]),
    });
  });
});

describe('ECS services', () => {
  const taskDefinitions = resources(template, 'AWS::ECS::TaskDefinition');
  const containers = (role: string): Container => {
    const found = taskDefinitions.find(([id]) => id.startsWith(`Services${role}Task`));
    assert.ok(found, `task definition of ${role}`);
    const list = found[1].Properties!.ContainerDefinitions as Container[];
    assert.equal(list.length, 1);
    return list[0]!;
  };

  for (const role of ROLES) {
    it(`${role}: every SECRET_ENV_KEYS entry comes from Secrets Manager, none is plain environment`, () => {
      const container = containers(role);
      const environment = new Map((container.Environment ?? []).map((entry) => [entry.Name, entry.Value]));
      assert.equal(environment.get('ROLES'), role);
      assert.equal(environment.get('NODE_ENV'), 'production');
      for (const key of SECRET_ENV_KEYS)
        assert.ok(!environment.has(key), `${key} must not be plain environment`);
      assert.deepEqual(
        (container.Secrets ?? []).map((secret) => secret.Name).sort(),
        [...SECRET_ENV_KEYS].sort(),
      );
      assert.match(
        container.HealthCheck!.Command.join(' '),
        role === 'worker' ? /:8081\/ready/ : /\/api\/health\/ready/,
      );
    });
  }

  it('pull the image from the ECR repository by tag', () => {
    const image = JSON.stringify((containers('api') as { Image?: unknown }).Image);
    assert.match(image, /dkr\.ecr/);
    assert.match(image, /:abc1234/);
  });

  it('roll back a deployment that fails, in private subnets without public IPs', () => {
    template.resourceCountIs('AWS::ECS::Service', 3);
    template.allResourcesProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
      }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });
});

describe('load balancer', () => {
  it('is internet-facing with an idle timeout raised for WebSockets', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'idle_timeout.timeout_seconds', Value: '300' }]),
    });
  });

  it('serves HTTPS on 443 and redirects 80 to it', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: Match.stringLikeRegexp('^arn:aws:acm:') }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        Match.objectLike({
          Type: 'redirect',
          RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }),
        }),
      ],
    });
  });

  it('checks /api/health/ready and sends WebSocket upgrades on /api/trpc to realtime', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    template.allResourcesProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/api/health/ready',
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: Match.arrayWith([
        Match.objectLike({
          Field: 'http-header',
          HttpHeaderConfig: { HttpHeaderName: 'Upgrade', Values: ['websocket'] },
        }),
      ]),
      Actions: [
        Match.objectLike({ TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServicesrealtimeTargets') } }),
      ],
    });
  });
});
