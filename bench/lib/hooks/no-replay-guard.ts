/**
 * Profiling hook, preloaded into the server child by `npm run bench -- aisp-profile` (`--import`): an
 * experiment only — the resource server's DPoP replay guard accepts every proof without its INSERT into
 * `replay_guard`, to measure what that insert costs. It patches the compiled class the server runs (dist/, which
 * `npm run bench` builds first), not the source. Never use outside the benchmark.
 */
import type { ReplayGuardStore as ReplayGuardStoreClass } from '../../../src/persistence/stores/replay-guard-store.js';

const compiled = new URL('../../../dist/persistence/stores/replay-guard-store.js', import.meta.url).href;
const { ReplayGuardStore } = (await import(compiled)) as { ReplayGuardStore: typeof ReplayGuardStoreClass };

ReplayGuardStore.prototype.rememberOnce = async () => true;
