/**
 * The S3 archive of completed transactions: KMS-encrypted with the data key, public access
 * blocked, TLS only, versioned, moved to Glacier after 30 days. Its server access logs go to a
 * second bucket (SSE-S3: the S3 log delivery service cannot write with a customer-managed key).
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Namer } from '../naming.js';

export interface ArchiveBucketProps {
  readonly name: Namer;
  readonly key: kms.IKey;
  /**
   * Delete the buckets on teardown (not in prod). CloudFormation deletes only empty buckets; we do
   * not add CDK's auto-delete custom resource, which would be one more Lambda with broad S3 rights.
   */
  readonly destroyOnTeardown: boolean;
}

export class ArchiveBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: ArchiveBucketProps) {
    super(scope, id);
    // Bucket names are global: the account and region make them unique without a random suffix.
    const unique = `${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const removal = props.destroyOnTeardown ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      bucketName: `${props.name('s3', 'archive-access-logs')}-${unique}`,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(90) }],
      removalPolicy: removal,
    });
    this.bucket = new s3.Bucket(this, 'Archive', {
      bucketName: `${props.name('s3', 'transaction-archive')}-${unique}`,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      // The cast: with exactOptionalPropertyTypes, CDK's Bucket does not type-check as its IBucket.
      serverAccessLogsBucket: this.accessLogs as unknown as s3.IBucket,
      serverAccessLogsPrefix: 'archive/',
      lifecycleRules: [
        {
          id: 'glacier-after-30-days',
          transitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) },
          ],
          noncurrentVersionTransitions: [
            { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) },
          ],
        },
      ],
      removalPolicy: removal,
    });
  }
}
