/**
 * SqliteApiKeys: the {@link ApiKeyStore} in the local SQLite file. It holds each key's SHA-256
 * digest (unique, indexed, the lookup path of every authenticated request), never the key.
 */
import { migrate, type SqliteDatabase } from '../../sqlite/database.js';
import type { ApiKeyRecord, ApiKeyScope, ApiKeyStore } from '../../api/api-keys.js';

const MIGRATIONS = [
  `CREATE TABLE api_keys (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     scope TEXT NOT NULL CHECK (scope IN ('submit', 'read', 'operate')),
     key_hash TEXT NOT NULL UNIQUE,
     hint TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     revoked_at INTEGER
   );`,
];

interface Row {
  id: string;
  name: string;
  scope: ApiKeyScope;
  key_hash: string;
  hint: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export class SqliteApiKeys implements ApiKeyStore {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: SqliteDatabase) {
    migrate(db, 'api_keys', MIGRATIONS);
    this.statements = prepareStatements(db);
  }

  insert(record: ApiKeyRecord, keyHash: string): Promise<void> {
    return attempt(() => {
      const { id, name, scope, hint, createdAt } = record;
      this.statements.insert.run(id, name, scope, keyHash, hint, createdAt);
    });
  }

  findByHash(keyHash: string): Promise<{ record: ApiKeyRecord; keyHash: string } | undefined> {
    return attempt(() => {
      const row = this.statements.byHash.get(keyHash);
      return row && { record: toRecord(row), keyHash: row.key_hash };
    });
  }

  markUsed(id: string, at: number): Promise<void> {
    return attempt(() => {
      this.statements.markUsed.run(at, id);
    });
  }

  revoke(id: string, at: number): Promise<boolean> {
    return attempt(() => this.statements.revoke.run(at, id).changes > 0);
  }

  list(): Promise<ApiKeyRecord[]> {
    return attempt(() => this.statements.list.all().map(toRecord));
  }
}

function prepareStatements(db: SqliteDatabase) {
  return {
    insert: db.prepare(
      `INSERT INTO api_keys (id, name, scope, key_hash, hint, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    byHash: db.prepare<[string], Row>('SELECT * FROM api_keys WHERE key_hash = ?'),
    markUsed: db.prepare(
      'UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?',
    ),
    revoke: db.prepare('UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    list: db.prepare<[], Row>('SELECT * FROM api_keys ORDER BY created_at DESC, rowid DESC'),
  };
}

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    hint: row.hint,
    createdAt: row.created_at,
    ...(row.last_used_at === null ? {} : { lastUsedAt: row.last_used_at }),
    ...(row.revoked_at === null ? {} : { revokedAt: row.revoked_at }),
  };
}

/** The port is asynchronous (a DynamoDB adapter needs it); SQLite answers at once. */
function attempt<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
