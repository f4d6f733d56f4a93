import { mkdtempSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlTransactionArchive } from '../../../src/adapters/archive/jsonl-transaction-archive.js';

const noon = Date.UTC(2026, 0, 1, 12);

function archive() {
  const directory = join(mkdtempSync(join(tmpdir(), 'paystep-archive-')), 'archive');
  return { directory, archive: new JsonlTransactionArchive(directory) };
}

describe('JsonlTransactionArchive', () => {
  it('writes one JSON line per record into the file of its UTC day', async () => {
    const { directory, archive: a } = archive();
    await a.append({
      transaction_id: 'T1',
      status: 'RECORDED',
      archived_at: noon,
      transaction: { a: 1 },
    });
    await a.append({
      transaction_id: 'T2',
      status: 'RECORDED',
      archived_at: noon + 12 * 3600_000,
      transaction: {},
    });
    expect(
      readFileSync(join(directory, '2026-01-01.jsonl'), 'utf8').trim().split('\n'),
    ).toHaveLength(1);
    expect(await a.readDay('2026-01-02')).toMatchObject([{ transaction_id: 'T2' }]);
  });

  it('keeps the last record per transaction when a record was written twice', async () => {
    const { archive: a } = archive();
    await a.append({
      transaction_id: 'T1',
      status: 'RECORDED',
      archived_at: noon,
      transaction: { n: 1 },
    });
    await a.append({
      transaction_id: 'T1',
      status: 'RECORDED',
      archived_at: noon + 1,
      transaction: { n: 2 },
    });
    expect(await a.readDay('2026-01-01')).toEqual([
      { transaction_id: 'T1', status: 'RECORDED', archived_at: noon + 1, transaction: { n: 2 } },
    ]);
  });

  it('skips a torn last line and reads an empty day as nothing', async () => {
    const { directory, archive: a } = archive();
    await a.append({
      transaction_id: 'T1',
      status: 'RECORDED',
      archived_at: noon,
      transaction: {},
    });
    appendFileSync(join(directory, '2026-01-01.jsonl'), '{"transaction_id":"T2","sta');
    expect((await a.readDay('2026-01-01')).map((r) => r.transaction_id)).toEqual(['T1']);
    expect(await a.readDay('2026-02-01')).toEqual([]);
  });
});
