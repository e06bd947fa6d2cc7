import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from './config';

/**
 * The VPC: public subnets hold only the load balancer (and NAT gateways), services run in private
 * subnets with egress (AI, STT and mail providers are on the internet), PostgreSQL and Redis in isolated
 * subnets with no route out. One security group per tier, so ingress reads as "who may talk to whom".
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly albSecurityGroup: ec2.SecurityGroup;
  readonly serviceSecurityGroup: ec2.SecurityGroup;
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  readonly redisSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, config: EnvironmentConfig) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: config.maxAzs,
      natGateways: config.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'app', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });
    this.vpc.addFlowLog('FlowLog');

    const group = (name: string, description: string, allowAllOutbound: boolean) =>
      new ec2.SecurityGroup(this, name, { vpc: this.vpc, description, allowAllOutbound });
    this.albSecurityGroup = group(
      'AlbSg',
      'Linguamate load balancer: 443 and 80 (redirect) from anywhere',
      false,
    );
    this.serviceSecurityGroup = group('ServiceSg', 'Linguamate api, realtime and worker tasks', true);
    this.databaseSecurityGroup = group('DatabaseSg', 'Linguamate PostgreSQL: from the services only', false);
    this.redisSecurityGroup = group('RedisSg', 'Linguamate Redis: from the services only', false);

    this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS');
    this.albSecurityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP, redirected to HTTPS');
    this.databaseSecurityGroup.addIngressRule(this.serviceSecurityGroup, ec2.Port.tcp(5432), 'services');
    this.redisSecurityGroup.addIngressRule(this.serviceSecurityGroup, ec2.Port.tcp(6379), 'services');
  }
}
