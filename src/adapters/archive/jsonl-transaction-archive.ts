/**
 * JsonlTransactionArchive: the local {@link TransactionArchive}: one `YYYY-MM-DD.jsonl` file per
 * UTC day in a directory, one JSON record per line, each append flushed to disk before it
 * resolves. Lines are only ever appended; a record written twice (a re-run step) is collapsed
 * on read, keeping the last line per transaction.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ArchivedTransaction,
  TransactionArchive,
} from '../../payments/ports/transaction-archive.js';
import { archiveDay } from '../../payments/ports/transaction-archive.js';

export class JsonlTransactionArchive implements TransactionArchive {
  readonly #directory: string;

  /** @param directory where the day files live; created on first append. */
  constructor(directory: string) {
    this.#directory = directory;
  }

  async append(record: ArchivedTransaction): Promise<void> {
    await mkdir(this.#directory, { recursive: true });
    const file = await open(this.#fileOf(archiveDay(record.archived_at)), 'a');
    try {
      await file.write(`${JSON.stringify(record)}\n`);
      await file.datasync();
    } finally {
      await file.close();
    }
  }

  async readDay(day: string): Promise<readonly ArchivedTransaction[]> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`Not a day: ${day}`);
    let text: string;
    try {
      text = await readFile(this.#fileOf(day), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const latest = new Map<string, ArchivedTransaction>();
    for (const line of text.split('\n')) {
      // A torn last line (a crash mid-append) is skipped; its step is re-run and rewrites it.
      if (line.trim() === '') continue;
      let record: ArchivedTransaction;
      try {
        record = JSON.parse(line) as ArchivedTransaction;
      } catch {
        continue;
      }
      latest.delete(record.transaction_id);
      latest.set(record.transaction_id, record);
    }
    return [...latest.values()];
  }

  #fileOf(day: string): string {
    return join(this.#directory, `${day}.jsonl`);
  }
}
