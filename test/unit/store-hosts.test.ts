import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/store/database.js';
import * as hostsTable from '../../src-main/store/hosts-table.js';
import { closeTracked, track } from '../support/store-fixtures.js';

afterEach(() => {
  closeTracked();
});

describe('hosts table', () => {
  it('keeps one limit per host, the latest finding winning', () => {
    const db = track(openDatabase(':memory:'));
    expect(hostsTable.getHostLimit(db, 'files.example:443')).toBeNull();
    hostsTable.setHostLimit(db, 'files.example:443', { max_connections: 4, learned_at: 1000 });
    hostsTable.setHostLimit(db, 'mirror.example:80', { max_connections: 1, learned_at: 1500 });
    hostsTable.setHostLimit(db, 'files.example:443', { max_connections: 2, learned_at: 2000 });
    expect(hostsTable.getHostLimit(db, 'files.example:443')).toEqual({ max_connections: 2, learned_at: 2000 });
    expect(hostsTable.getHostLimit(db, 'mirror.example:80')).toEqual({ max_connections: 1, learned_at: 1500 });
  });

  it('refuses a limit below one connection', () => {
    const db = track(openDatabase(':memory:'));
    expect(() => hostsTable.setHostLimit(db, 'h:1', { max_connections: 0, learned_at: 1 })).toThrow(/CHECK constraint/);
  });
});
