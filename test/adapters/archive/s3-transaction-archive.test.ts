import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3TransactionArchive } from '../../../src/adapters/archive/s3-transaction-archive.js';
import type { ArchivedTransaction } from '../../../src/payments/ports/transaction-archive.js';
import { motoUnavailableReason, startMoto } from '../aws/moto-harness.js';
import type { MotoServer } from '../aws/moto-harness.js';

const unavailable = motoUnavailableReason();
if (unavailable !== undefined) console.warn(`SKIPPED S3 archive tests: ${unavailable}`);

const noon = Date.UTC(2026, 0, 1, 12);
const record = (id: string, at: number, n = 1): ArchivedTransaction => ({
  transaction_id: id,
  status: 'COMPLETED',
  archived_at: at,
  transaction: { n },
});

describe.skipIf(unavailable !== undefined)('S3TransactionArchive against moto', () => {
  let moto: MotoServer;
  let s3: S3Client;
  let buckets = 0;

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.close();
  });

  async function archive(
    listPageSize?: number,
  ): Promise<{ bucket: string; archive: S3TransactionArchive }> {
    buckets += 1;
    const bucket = `archive-${buckets}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return {
      bucket,
      archive: new S3TransactionArchive({
        client: s3,
        bucket,
        ...(listPageSize === undefined ? {} : { listPageSize }),
      }),
    };
  }

  it('files each record under the UTC day of its archived_at, as one JSON object', async () => {
    const { bucket, archive: a } = await archive();
    await a.append(record('T1', noon));
    await a.append(record('T2', noon + 12 * 3600_000));
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: 'transactions/2026-01-01/T1.json' }),
    );
    expect(JSON.parse(await object.Body!.transformToString())).toEqual(record('T1', noon));
    expect(await a.readDay('2026-01-01')).toEqual([record('T1', noon)]);
    expect(await a.readDay('2026-01-02')).toEqual([record('T2', noon + 12 * 3600_000)]);
  });

  it('keeps the last record per transaction when a step re-runs', async () => {
    const { archive: a } = await archive();
    await a.append(record('T1', noon, 1));
    await a.append(record('T1', noon + 1, 2));
    expect(await a.readDay('2026-01-01')).toEqual([record('T1', noon + 1, 2)]);
  });

  it('reads every record of a day that spans several list pages', async () => {
    const { archive: a } = await archive(2);
    const ids = ['T1', 'T2', 'T3', 'T4', 'T5'];
    await Promise.all(ids.map((id) => a.append(record(id, noon))));
    await a.append(record('T6', noon + 24 * 3600_000));
    const read = await a.readDay('2026-01-01');
    expect(read.map((r) => r.transaction_id).sort()).toEqual(ids);
  });

  it('reads a day with no records as nothing', async () => {
    const { archive: a } = await archive();
    await a.append(record('T1', noon));
    expect(await a.readDay('2026-02-02')).toEqual([]);
  });

  it('refuses a day that is not YYYY-MM-DD', async () => {
    const { archive: a } = await archive();
    await expect(a.readDay('2026-1-1')).rejects.toThrow('Not a day');
  });
});
