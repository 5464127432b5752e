import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';

/** The mysql migrations, oldest first. */
export const mysqlMigrations = [InitialSchema1763800000000];
