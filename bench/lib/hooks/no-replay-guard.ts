/**
 * Profiling hook, preloaded into the server child by `npm run bench -- aisp-profile` (`--import`): an
 * experiment only — the resource server's DPoP replay guard accepts every proof without its INSERT into
 * `replay_guard`, to measure what that insert costs. Never use outside the benchmark.
 */
import { ReplayGuardStore } from '../../../src/persistence/stores/replay-guard-store.js';

ReplayGuardStore.prototype.rememberOnce = async () => true;
