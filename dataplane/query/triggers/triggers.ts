// Memgraph's triggers: `CREATE TRIGGER`, `DROP TRIGGER`, `SHOW TRIGGERS` (columns trigger
// name, statement, event type, phase, owner) with Memgraph's notifications and texts, kept
// in the data directory (`triggers.json`) so they survive a restart. The engine asks
// `firing(events)` at commit: BEFORE COMMIT triggers run inside the committing transaction,
// AFTER COMMIT ones in a transaction of their own once it committed. Changes made by
// triggers fire no triggers.

import fs from 'node:fs';
import { Codes, MghaError } from '../../errors.js';
import { writeJsonAtomic } from '../../durability/files.js';
import type { AdminRegistry } from '../admin-registry.js';
import type { CreateTrigger, TriggerEventType } from '../admin-ast.js';
import { fires, type TriggerEvents } from './events.js';

export type Trigger = Omit<CreateTrigger, 'kind'>;

const IN_TRANSACTION = 'Trigger queries not allowed in multicommand transactions.';

export class Triggers {
  private readonly byName = new Map<string, Trigger>();
  private file: string | null = null;

  /** `validate` parses and plans a statement with the event type's variables; it throws if it cannot run. */
  constructor(private readonly validate: (statement: string, event: TriggerEventType) => void) {}

  get size(): number {
    return this.byName.size;
  }

  /** Keeps the triggers in `file`, loading the ones it already holds. */
  persistTo(file: string): void {
    this.file = file;
    if (!fs.existsSync(file)) return;
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as Trigger[];
    for (const t of saved) this.byName.set(t.name, t);
  }

  /** The triggers this commit fires, by phase, in creation order. */
  firing(events: TriggerEvents): { before: Trigger[]; after: Trigger[] } {
    const fired = [...this.byName.values()].filter((t) => fires(t.event, events));
    return { before: fired.filter((t) => t.phase === 'BEFORE COMMIT'), after: fired.filter((t) => t.phase === 'AFTER COMMIT') };
  }

  register(admin: AdminRegistry): void {
    // Beyond Memgraph: also as the only statement of an explicit transaction (executeQuery).
    const options = { refusedInTransaction: IN_TRANSACTION, firstInTransactionAllowed: true };
    admin.register(
      'CreateTrigger',
      async (stmt) => {
        if (this.byName.has(stmt.name)) throw new MghaError(Codes.MemgraphClientError, 'Trigger with the same name already exists.');
        this.validate(stmt.statement, stmt.event);
        this.byName.set(stmt.name, { name: stmt.name, event: stmt.event, phase: stmt.phase, statement: stmt.statement });
        this.save();
        return { columns: [], rows: [], notifications: [{ severity: 'INFO', code: 'CreateTrigger', title: `Created trigger ${stmt.name}.` }] };
      },
      options,
    );
    admin.register(
      'DropTrigger',
      async (stmt) => {
        if (!this.byName.delete(stmt.name)) throw new MghaError(Codes.MemgraphClientError, `Trigger with name '${stmt.name}' doesn't exist`);
        this.save();
        return { columns: [], rows: [], notifications: [{ severity: 'INFO', code: 'DropTrigger', title: `Dropped trigger ${stmt.name}.` }] };
      },
      options,
    );
    admin.register(
      'ShowTriggers',
      async () => ({
        columns: ['trigger name', 'statement', 'event type', 'phase', 'owner'],
        rows: [...this.byName.values()].map((t) => [t.name, t.statement, t.event, t.phase, null]),
      }),
      options,
    );
  }

  private save(): void {
    if (this.file !== null) writeJsonAtomic(this.file, [...this.byName.values()]);
  }
}
