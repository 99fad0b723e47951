// A process that commits through durability with a two-phase stage that never answers:
// it logs one committed transaction, then prepares a second (its PREPARE record is
// written and fsynced) and prints "prepared <ts>" so a test can SIGKILL it between
// prepare and finalise. Usage: node dist/test/helpers/prepare-and-hang.js <data-directory>
import pino from 'pino';
import { openDurability } from '../../dataplane/durability/durability.js';
import { InMemoryStorage } from '../../dataplane/storage/storage.js';

const dir = process.argv[2];
const storage = new InMemoryStorage();
const durability = await openDurability(
  {
    dataDirectory: dir,
    walEnabled: true,
    walFileSizeKib: 20480,
    walFileFlushEveryNTx: 1,
    snapshotIntervalSec: 3600,
    snapshotOnExit: false,
    snapshotRetentionCount: 3,
    recoveryOnStartup: true,
  },
  storage,
  pino({ level: 'silent' }),
);
let hold = false;
storage.addCommitStage({ name: 'strict-replica', mayAbort: () => hold, run: () => (hold ? new Promise<void>(() => undefined) : undefined) });

const committed = storage.begin();
committed.createVertex().addLabel('Committed');
await committed.commit();

hold = true;
const prepared = storage.begin();
prepared.createVertex().addLabel('Prepared');
void prepared.commit();
await durability.waitDurable(storage.lastCommitTimestamp());
// The PREPARE record is written with fsync per commit before the stage after the WAL runs.
process.stdout.write(`prepared ${storage.lastCommitTimestamp() + 1}\n`);
setInterval(() => undefined, 1000);
