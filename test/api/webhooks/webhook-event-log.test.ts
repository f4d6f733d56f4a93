import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessedEvent } from '../../../src/api/webhooks/webhook-event-log.js';
import { SqliteWebhookEventLog } from '../../../src/api/webhooks/webhook-event-log.js';
import { openDatabase } from '../../../src/sqlite/database.js';
import type { SqliteDatabase } from '../../../src/sqlite/database.js';

function processed(eventId: string, processedAt = 1_000): ProcessedEvent {
  return {
    eventId,
    type: 'payment.created',
    transactionId: 'TXN-1',
    outcome: 'started',
    processedAt,
  };
}

describe('SqliteWebhookEventLog', () => {
  let dir: string;
  let db: SqliteDatabase;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'paystep-event-log-'));
    db = openDatabase(join(dir, 'paystep.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows what it recorded, one by one or in a batch, and keeps the first record', () => {
    const log = new SqliteWebhookEventLog(db);
    expect(log.has('evt_1')).toBe(false);
    expect(log.mightHave('evt_1')).toBe(false);
    log.record(processed('evt_1'));
    log.recordAll([
      processed('evt_2'),
      processed('evt_3'),
      { ...processed('evt_1'), outcome: 'x' },
    ]);
    for (const id of ['evt_1', 'evt_2', 'evt_3']) {
      expect(log.mightHave(id)).toBe(true);
      expect(log.has(id)).toBe(true);
    }
    expect(log.get('evt_1')?.outcome).toBe('started');
    expect(log.mightHave('evt_4')).toBe(false);
  });

  it('knows, when opened again, every event stored before', () => {
    const first = new SqliteWebhookEventLog(db);
    const ids = Array.from({ length: 500 }, (_, i) => `evt_${i}`);
    first.recordAll(ids.map((id) => processed(id)));
    db.close();
    db = openDatabase(join(dir, 'paystep.db'));
    const reopened = new SqliteWebhookEventLog(db);
    expect(ids.filter((id) => !reopened.mightHave(id))).toEqual([]);
    expect(ids.every((id) => reopened.has(id))).toBe(true);
    expect(reopened.mightHave('evt_new')).toBe(false);
  });

  it('forgets purged events: has is exact where mightHave may still say maybe', () => {
    const log = new SqliteWebhookEventLog(db);
    log.record(processed('evt_old', 1_000));
    log.record(processed('evt_new', 5_000));
    expect(log.purge(2_000)).toBe(1);
    expect(log.has('evt_old')).toBe(false);
    expect(log.has('evt_new')).toBe(true);
    expect(log.mightHave('evt_new')).toBe(true);
  });

  it('leaves a rolled-back batch unrecorded', () => {
    const log = new SqliteWebhookEventLog(db);
    const bad = { ...processed('evt_bad'), type: null } as unknown as ProcessedEvent;
    expect(() => log.recordAll([processed('evt_ok'), bad])).toThrow(/NOT NULL/);
    expect(log.has('evt_ok')).toBe(false);
    expect(log.has('evt_bad')).toBe(false);
  });
});
