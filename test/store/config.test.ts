import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { describeDatabase } from '../../src/store/db.js';

/** The store's settings: DATABASE_URL, DATABASE_DIR, PATIENT_HASH_SALT, SNOOZE_DAYS, ANALYTICS. */

const base = { CDS_AUTH: 'disabled' };

describe('store configuration', () => {
  it('defaults: no URL, no folder (main.ts picks ./data/pglite), 30 snooze days, analytics off', () => {
    const config = loadConfig(base);
    expect(config.store).toEqual({ snoozeDays: 30 });
    expect(config.analyticsEnabled).toBe(false);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...base,
      DATABASE_URL: 'postgres://u:p@db:5432/cds',
      DATABASE_DIR: '/var/lib/cds',
      PATIENT_HASH_SALT: 'a-long-enough-salt',
      SNOOZE_DAYS: '0',
      ANALYTICS: 'enabled',
    });
    expect(config.store).toEqual({
      databaseUrl: 'postgres://u:p@db:5432/cds',
      databaseDir: '/var/lib/cds',
      patientHashSalt: 'a-long-enough-salt',
      snoozeDays: 0,
    });
    expect(config.analyticsEnabled).toBe(true);
  });

  it('refuses a non-PostgreSQL URL, a short salt, a negative snooze, with the variable named', () => {
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ ...base, PATIENT_HASH_SALT: 'short' })).toThrow(/PATIENT_HASH_SALT/);
    expect(() => loadConfig({ ...base, SNOOZE_DAYS: '-1' })).toThrow(/SNOOZE_DAYS/);
  });

  it('production requires PATIENT_HASH_SALT', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/PATIENT_HASH_SALT: required when NODE_ENV=production/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', PATIENT_HASH_SALT: 'a-long-enough-salt' }).store.patientHashSalt).toBe('a-long-enough-salt');
  });

  it('the start-up log names the database without its password', () => {
    expect(describeDatabase({ databaseUrl: 'postgres://cds:s3cret@db.internal:5432/cds' })).toBe('postgresql://db.internal:5432/cds');
    expect(describeDatabase({ databaseDir: 'memory://' })).toBe('pglite (in memory)');
    expect(describeDatabase({})).toBe('pglite (in memory)');
    expect(describeDatabase({ databaseDir: './data/pglite' })).toBe('pglite ./data/pglite');
  });
});
