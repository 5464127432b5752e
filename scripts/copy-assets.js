// Copies the non-TypeScript files the compiled server reads next to its modules (tsc copies only .js).
import { cpSync } from 'node:fs';

cpSync('src/web/assets', 'dist/web/assets', { recursive: true });
