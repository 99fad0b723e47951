// The durable log store against real files: what a restart recovers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStorage } from '../../../../dataplane/coordination/raft/file-storage.js';
import type { Entry, Ready } from '../../../../dataplane/coordination/raft/types.js';

const entry = (index: number, term: number, s = `e${index}`): Entry => ({ index, term, type: 'normal', data: new TextEncoder().encode(s) });
const ready = (fields: Partial<Ready>): Ready => ({ entries: [], committedEntries: [], messages: [], readStates: [], mustSync: true, ...fields });
const text = (e: Entry): string => new TextDecoder().decode(e.data);

describe('raft file storage', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mgha-raft-fs-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a restart recovers hard state and entries, with a conflicting tail replaced', () => {
    const s = FileStorage.open(dir);
    s.save(ready({ entries: [entry(1, 1), entry(2, 1), entry(3, 1)], hardState: { term: 1, vote: 2, commit: 1 } }));
    s.save(ready({ entries: [entry(3, 2, 'new3'), entry(4, 2)], hardState: { term: 2, vote: 3, commit: 2 } }));
    s.close();
    const r = FileStorage.open(dir);
    expect(r.initialState().hardState).toEqual({ term: 2, vote: 3, commit: 2 });
    expect(r.lastIndex()).toBe(4);
    expect(r.entries(1, 5).map(text)).toEqual(['e1', 'e2', 'new3', 'e4']);
    r.close();
  });

  test('a torn record at the end of the log is cut off on open', () => {
    const s = FileStorage.open(dir);
    s.save(ready({ entries: [entry(1, 1), entry(2, 1)], hardState: { term: 1, vote: 0, commit: 0 } }));
    s.close();
    const log = path.join(dir, 'log');
    fs.truncateSync(log, fs.statSync(log).size - 3);
    const r = FileStorage.open(dir);
    expect(r.lastIndex()).toBe(1);
    r.save(ready({ entries: [entry(2, 1, 'again')] }));
    r.close();
    const again = FileStorage.open(dir);
    expect(again.entries(1, 3).map(text)).toEqual(['e1', 'again']);
    again.close();
  });

  test('a snapshot compacts the log and survives a restart', () => {
    const s = FileStorage.open(dir);
    s.save(ready({ entries: [1, 2, 3, 4, 5].map((i) => entry(i, 1)), hardState: { term: 1, vote: 0, commit: 5 } }));
    s.saveSnapshot(4, { voters: [1, 2, 3] }, new TextEncoder().encode('state@4'), 1);
    s.close();
    const r = FileStorage.open(dir);
    expect(r.snapshot().metadata).toEqual({ index: 4, term: 1, conf: { voters: [1, 2, 3] } });
    expect(new TextDecoder().decode(r.snapshot().data)).toBe('state@4');
    expect(r.firstIndex()).toBe(5);
    expect(r.entries(5, 6).map(text)).toEqual(['e5']);
    r.close();
  });
});
