import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';

/** The sqlite migrations, oldest first. */
export const sqliteMigrations = [InitialSchema1763800000000];
