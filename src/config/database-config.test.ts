// Proves that the DATABASE_URL shown to an operator names the same database and never shows a password: nothing for the default file of this directory or an in-memory database, the absolute file otherwise, a MySQL URL with its password replaced by <password>.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { displayDatabaseUrl, loadDatabaseConfig } from './database-config.js';

/** What is shown for the database a process started with `DATABASE_URL=url` uses. */
const shown = (url: string | undefined) => displayDatabaseUrl(loadDatabaseConfig({ DATABASE_URL: url }), process.cwd());

describe('displayDatabaseUrl', () => {
  test('DATABASE_URL unset, or naming the default file → nothing to show', () => {
    assert.equal(shown(undefined), null);
    assert.equal(shown(`sqlite:${resolve('data/openteller.db')}`), null);
  });

  test('the default file of another working directory (serve started outside the repository) → that file, by its absolute path', () => {
    const elsewhere = loadDatabaseConfig({});
    assert.equal(displayDatabaseUrl(elsewhere, '/srv/elsewhere'), `sqlite:${resolve('data/openteller.db')}`);
  });

  test('DATABASE_URL=sqlite::memory: → nothing to show (no other process can reach it)', () => {
    assert.equal(shown('sqlite::memory:'), null);
  });

  test('a relative SQLite file → the absolute file, which names it from any directory', () => {
    assert.equal(shown('sqlite:./other/bank.db'), `sqlite:${resolve('other/bank.db')}`);
  });

  test('a MySQL URL with a password → the same URL with <password> in its place, the password nowhere', () => {
    const url = shown('mysql://openteller:s3cr%40t-pw@db.internal:3306/openteller?ssl=true');
    assert.equal(url, 'mysql://openteller:<password>@db.internal:3306/openteller?ssl=true');
    assert.ok(!url?.includes('s3cr'));
  });

  test('a MySQL URL without a password → the URL as given', () => {
    assert.equal(shown('mysql://root@127.0.0.1:3306/openteller'), 'mysql://root@127.0.0.1:3306/openteller');
  });
});
