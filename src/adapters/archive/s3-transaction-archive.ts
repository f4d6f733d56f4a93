/**
 * S3TransactionArchive: the {@link TransactionArchive} on Amazon S3, for the AWS deployment. One
 * object per transaction and UTC day, `transactions/YYYY-MM-DD/<transaction id>.json`: S3 has no
 * append, and one object per record means a step re-run after a crash overwrites its own record,
 * which is the same "last record per transaction wins" a JSONL reader applies. A day is read by
 * listing its prefix. Objects are encrypted by the bucket's default KMS key.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type {
  ArchivedTransaction,
  TransactionArchive,
} from '../../payments/ports/transaction-archive.js';
import { archiveDay } from '../../payments/ports/transaction-archive.js';

export interface S3TransactionArchiveOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix, without a trailing slash; the stack grants PutObject under it. @default 'transactions' */
  readonly prefix?: string;
  /** Keys per ListObjectsV2 page. @default 1000 (the S3 maximum) */
  readonly listPageSize?: number;
  /** Objects fetched at once while reading a day. @default 16 */
  readonly readConcurrency?: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class S3TransactionArchive implements TransactionArchive {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #pageSize: number | undefined;
  readonly #concurrency: number;

  constructor(options: S3TransactionArchiveOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'transactions';
    this.#pageSize = options.listPageSize;
    this.#concurrency = options.readConcurrency ?? 16;
  }

  /** Resolves once S3 has stored the object (AWS: PutObject is strongly consistent). */
  async append(record: ArchivedTransaction): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: this.#keyOf(archiveDay(record.archived_at), record.transaction_id),
        Body: JSON.stringify(record),
        ContentType: 'application/json',
      }),
    );
  }

  async readDay(day: string): Promise<readonly ArchivedTransaction[]> {
    if (!DAY.test(day)) throw new Error(`Not a day: ${day}`);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: `${this.#prefix}/${day}/`,
          ContinuationToken: token,
          MaxKeys: this.#pageSize,
        }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const records: ArchivedTransaction[] = [];
    for (let i = 0; i < keys.length; i += this.#concurrency) {
      const texts = await Promise.all(
        keys.slice(i, i + this.#concurrency).map(async (key) => {
          const object = await this.#client.send(
            new GetObjectCommand({ Bucket: this.#bucket, Key: key }),
          );
          return object.Body?.transformToString('utf8');
        }),
      );
      for (const text of texts) {
        if (text !== undefined) records.push(JSON.parse(text) as ArchivedTransaction);
      }
    }
    return records;
  }

  #keyOf(day: string, transactionId: string): string {
    // Transaction ids are execution names (no '/'); encoding keeps any other id a single key.
    return `${this.#prefix}/${day}/${encodeURIComponent(transactionId)}.json`;
  }
}
