import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { type EnvironmentConfig, ROLES, type Role, type SecretEnvKey } from './config';
import type { Network } from './network';

export interface ServicesProps {
  readonly config: EnvironmentConfig;
  readonly network: Network;
  readonly secrets: ReadonlyMap<SecretEnvKey, secretsmanager.ISecret>;
  /** ACM certificate of the public host name (must be in the stack's region). */
  readonly certificateArn: string;
  /** The image tag CI pushed (the commit); tags are immutable. */
  readonly imageTag: string;
}

const HTTP_PORT = 8080;
const WORKER_PORT = 8081;
/** ALB idle timeout: idle WebSockets (heartbeat every 30 s by default) and SSE streams stay open. */
export const ALB_IDLE_TIMEOUT_SECONDS = 300;
const READY_PATH = '/api/health/ready';

/**
 * ECS on Fargate rather than EKS: three stateless services of one image (api, realtime, worker; `ROLES`
 * chooses), no cluster to patch or upgrade, and every piece is a CloudFormation resource that tests can
 * assert offline. The Kubernetes manifests in deploy/ stay the option for a cluster the team already runs.
 *
 * The ALB sends WebSocket upgrades on /api/trpc to realtime and everything else to api; the worker takes
 * no traffic and is checked by its own /ready on WORKER_PORT. A deployment that fails its health checks
 * is rolled back by the circuit breaker.
 */
export class Services extends Construct {
  readonly cluster: ecs.Cluster;
  readonly repository: ecr.Repository;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly services: Readonly<Record<Role, ecs.FargateService>>;
  readonly targetGroups: Readonly<Record<'api' | 'realtime', elbv2.ApplicationTargetGroup>>;

  constructor(scope: Construct, id: string, props: ServicesProps) {
    super(scope, id);
    const { config, network } = props;
    const { vpc } = network;

    this.repository = new ecr.Repository(this, 'Repository', {
      repositoryName: `linguamate-api-${config.name}`,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      encryption: ecr.RepositoryEncryption.KMS,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ description: 'keep the last 50 images', maxImageCount: 50 }],
    });
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENHANCED,
    });

    const services = {} as Record<Role, ecs.FargateService>;
    for (const role of ROLES) {
      services[role] = this.createService(role, props);
    }
    this.services = services;

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Alb', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: network.albSecurityGroup,
      idleTimeout: Duration.seconds(ALB_IDLE_TIMEOUT_SECONDS),
      dropInvalidHeaderFields: true,
      deletionProtection: config.name === 'production',
    });
    this.loadBalancer.addListener('Http', {
      port: 80,
      open: false,
      defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
    });
    const https = this.loadBalancer.addListener('Https', {
      port: 443,
      open: false,
      certificates: [elbv2.ListenerCertificate.fromArn(props.certificateArn)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    const targetGroup = (role: 'api' | 'realtime') =>
      new elbv2.ApplicationTargetGroup(this, `${role}Targets`, {
        vpc,
        port: HTTP_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        targets: [services[role]],
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: READY_PATH,
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      });
    this.targetGroups = { api: targetGroup('api'), realtime: targetGroup('realtime') };
    https.addTargetGroups('Api', { targetGroups: [this.targetGroups.api] });
    https.addTargetGroups('Realtime', {
      priority: 10,
      conditions: [
        elbv2.ListenerCondition.pathPatterns(['/api/trpc', '/api/trpc/*']),
        elbv2.ListenerCondition.httpHeader('Upgrade', ['websocket']),
      ],
      targetGroups: [this.targetGroups.realtime],
    });
  }

  private createService(role: Role, props: ServicesProps): ecs.FargateService {
    const { config, network } = props;
    const port = role === 'worker' ? WORKER_PORT : HTTP_PORT;
    const readyPath = role === 'worker' ? '/ready' : READY_PATH;
    const taskDefinition = new ecs.FargateTaskDefinition(this, `${role}Task`, {
      cpu: config.taskCpu,
      memoryLimitMiB: config.taskMemoryMiB,
    });
    const secrets: Record<string, ecs.Secret> = {};
    for (const [envKey, secret] of props.secrets) secrets[envKey] = ecs.Secret.fromSecretsManager(secret);

    taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromEcrRepository(this.repository, props.imageTag),
      essential: true,
      portMappings: [{ containerPort: port }],
      environment: {
        NODE_ENV: 'production',
        ROLES: role,
        PORT: String(HTTP_PORT),
        WORKER_PORT: String(WORKER_PORT),
        CORS_ORIGINS: config.corsOrigins,
        // The ALB is the only proxy: its addresses are in the VPC.
        TRUSTED_PROXIES: network.vpc.vpcCidrBlock,
        // Longer than the ALB's idle timeout, or the ALB reuses connections Node has closed (502s).
        HTTP_KEEP_ALIVE_TIMEOUT_MS: String((ALB_IDLE_TIMEOUT_SECONDS + 5) * 1000),
        ACCESS_LOG: 'errors',
      },
      secrets,
      // Node is in every image of the app, curl is not.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${port}${readyPath}').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      // SHUTDOWN_TIMEOUT_MS (10 s) plus the drain of in-flight work, before SIGKILL.
      stopTimeout: Duration.seconds(30),
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: role,
        logGroup: new logs.LogGroup(this, `${role}Logs`, {
          retention: config.logRetentionDays as logs.RetentionDays,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      }),
    });

    const service = new ecs.FargateService(this, `${role}Service`, {
      cluster: this.cluster,
      serviceName: `linguamate-${role}`,
      taskDefinition,
      desiredCount: config.tasks[role],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [network.serviceSecurityGroup],
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      ...(role === 'worker' ? {} : { healthCheckGracePeriod: Duration.seconds(60) }),
    });
    const scaling = service.autoScaleTaskCount({
      minCapacity: config.tasks[role],
      maxCapacity: config.tasks[role] * 4,
    });
    scaling.scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 60 });
    return service;
  }
}
