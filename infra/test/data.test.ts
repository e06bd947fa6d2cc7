import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { ENVIRONMENTS, only, synth } from './synth';

for (const name of ENVIRONMENTS) {
  describe(`PostgreSQL (${name})`, () => {
    const template = synth(name);

    it('is PostgreSQL 16, encrypted with the KMS key, private, with IAM auth and generated credentials', () => {
      template.resourceCountIs('AWS::RDS::DBInstance', 1);
      template.hasResourceProperties('AWS::RDS::DBInstance', {
        Engine: 'postgres',
        EngineVersion: Match.stringLikeRegexp('^16\\.'),
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        PubliclyAccessible: false,
        EnableIAMDatabaseAuthentication: true,
        // The password is a dynamic reference to the generated secret, never a literal.
        MasterUserPassword: {
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('resolve:secretsmanager')])],
        },
      });
    });

    it('keeps at least 7 days of backups (PITR) and survives stack deletion', () => {
      const db = only(template, 'AWS::RDS::DBInstance');
      assert.ok(Number(db.Properties.BackupRetentionPeriod) >= 7, 'BackupRetentionPeriod >= 7');
      assert.equal(db.Properties.DeleteAutomatedBackups, false);
      assert.ok(
        ['Snapshot', 'Retain'].includes(String(db.DeletionPolicy)),
        `DeletionPolicy ${db.DeletionPolicy}`,
      );
    });

    it('refuses unencrypted connections', () => {
      template.hasResourceProperties('AWS::RDS::DBParameterGroup', {
        Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
      });
    });
  });

  describe(`Redis (${name})`, () => {
    const template = synth(name);

    it('is a Multi-AZ replication group with automatic failover, encrypted at rest and in transit', () => {
      template.resourceCountIs('AWS::ElastiCache::ReplicationGroup', 1);
      template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
        MultiAZEnabled: true,
        AutomaticFailoverEnabled: true,
        NumCacheClusters: Match.anyValue(),
        AtRestEncryptionEnabled: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
        TransitEncryptionEnabled: true,
        AuthToken: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('resolve:secretsmanager')])] },
      });
      const group = only(template, 'AWS::ElastiCache::ReplicationGroup');
      assert.ok(Number(group.Properties.NumCacheClusters) >= 2, 'a replica to fail over to');
    });

    it('keeps snapshots and takes one when deleted, and never evicts queued jobs', () => {
      const group = only(template, 'AWS::ElastiCache::ReplicationGroup');
      assert.ok(Number(group.Properties.SnapshotRetentionLimit) >= 1, 'SnapshotRetentionLimit >= 1');
      assert.equal(group.DeletionPolicy, 'Snapshot');
      template.hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
        Properties: { 'maxmemory-policy': 'noeviction' },
      });
    });
  });
}

describe('production', () => {
  const template = synth('production');

  it('runs PostgreSQL Multi-AZ with deletion protection, 30 days of backups, retained on deletion', () => {
    template.hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ MultiAZ: true, DeletionProtection: true, BackupRetentionPeriod: 30 }),
    });
  });

  it('keeps the KMS key that encrypted the snapshots, with rotation', () => {
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });
});
