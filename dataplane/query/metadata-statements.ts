// The admin handlers of Memgraph's enum, server-side parameter and description statements:
// each change is written to the storage's metadata (committed alone, so it is logged,
// snapshotted and replicated) and answered once that commit is through its stages.

import { Codes, MghaError } from '../errors.js';
import type { AdminRegistry, AdminResult } from './admin-registry.js';
import type { MetadataView, Storage } from '../storage/types.js';
import type { Value } from '../values/model.js';
import {
  DESCRIPTION_COLUMNS,
  descriptionKey,
  descriptionValue,
  enumKey,
  enumValues,
  parameterKey,
  showDescriptions,
  showEnums,
  showParameters,
} from './server-metadata.js';

const EMPTY: AdminResult = { columns: [], rows: [] };

function fail(message: string): never {
  throw new MghaError(Codes.MemgraphClientError, message);
}

export function registerMetadataStatements(admin: AdminRegistry, storage: Storage, checkWritable: () => void): void {
  // Asked anew each time: a replica re-synchronising from a snapshot replaces the storage's contents.
  const meta: MetadataView = {
    get: (key) => storage.metadata().get(key),
    withPrefix: (prefix) => storage.metadata().withPrefix(prefix),
  };
  /** Writes one key and waits for its commit (the WAL, then replicas). */
  const write = async (key: string, value: Value): Promise<AdminResult> => {
    checkWritable();
    if (!storage.setMetadata(key, value)) return EMPTY;
    await storage.takeSchemaCommit();
    return EMPTY;
  };
  // Like index DDL: a change commits on its own, so it cannot be part of a larger
  // transaction (the first statement of an executeQuery transaction is fine).
  const ddl = (what: string) => ({ refusedInTransaction: `${what} not allowed in multicommand transactions.`, firstInTransactionAllowed: true });

  admin.register(
    'CreateEnum',
    (stmt) => {
      if (enumValues(meta, stmt.name) !== null) fail(`Enum '${stmt.name}' already exists.`);
      if (new Set(stmt.values).size !== stmt.values.length) fail(`Enum '${stmt.name}' has duplicate values.`);
      return write(enumKey(stmt.name), stmt.values);
    },
    ddl('Enum manipulation'),
  );
  admin.register(
    'AlterEnumAdd',
    (stmt) => {
      const values = enumValues(meta, stmt.name) ?? fail(`Unknown enum '${stmt.name}'.`);
      if (values.includes(stmt.value)) fail(`Enum value '${stmt.value}' already exists in enum '${stmt.name}'.`);
      return write(enumKey(stmt.name), [...values, stmt.value]);
    },
    ddl('Enum manipulation'),
  );
  admin.register(
    'AlterEnumUpdate',
    (stmt) => {
      const values = enumValues(meta, stmt.name) ?? fail(`Unknown enum '${stmt.name}'.`);
      const at = values.indexOf(stmt.from);
      if (at < 0) fail(`Enum value '${stmt.from}' in enum '${stmt.name}' not found.`);
      if (values.includes(stmt.to)) fail(`Enum value '${stmt.to}' already exists in enum '${stmt.name}'.`);
      // In place: stored values keep their position, so they follow the rename.
      return write(enumKey(stmt.name), values.map((v, i) => (i === at ? stmt.to : v)));
    },
    ddl('Enum manipulation'),
  );
  admin.register('ShowEnums', async () => ({ columns: ['Enum Name', 'Enum Values'], rows: showEnums(meta) }));

  admin.register(
    'SetParameter',
    (stmt, ctx) => {
      let value: Value;
      if (stmt.value.kind === 'value') value = stmt.value.value;
      else {
        if (!ctx.params.has(stmt.value.name)) throw new MghaError(Codes.ParameterMissing, `Parameter $${stmt.value.name} not provided.`);
        value = ctx.params.get(stmt.value.name) ?? null;
      }
      if (value === null) fail('A server-side parameter cannot be null.');
      return write(parameterKey(stmt.scope, stmt.name), value);
    },
    ddl('Server-side parameter manipulation'),
  );
  admin.register(
    'UnsetParameter',
    (stmt) => write(parameterKey(stmt.scope, stmt.name), null),
    ddl('Server-side parameter manipulation'),
  );
  admin.register('ShowParameters', async () => ({ columns: ['name', 'value', 'scope'], rows: showParameters(meta) }));

  admin.register(
    'SetDescription',
    (stmt) => write(descriptionKey(stmt.target), descriptionValue(stmt.target, stmt.text)),
    ddl('Description manipulation'),
  );
  admin.register(
    'DeleteDescription',
    (stmt) => write(descriptionKey(stmt.target), null),
    ddl('Description manipulation'),
  );
  admin.register('ShowDescriptions', async () => ({ columns: DESCRIPTION_COLUMNS, rows: showDescriptions(meta) }));
  admin.register('ShowDescription', async (stmt) => {
    const v = meta.get(descriptionKey(stmt.target));
    const text = v instanceof Map ? (v.get('description') ?? null) : null;
    return { columns: ['description'], rows: text === null ? [] : [[text]] };
  });
}
