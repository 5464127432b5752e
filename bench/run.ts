/**
 * Benchmarks (scripts, not tests): `npm run bench -- <name>`.
 *   aisp          AIS resource API throughput vs a bare Koa + mysql2 baseline, and paging at 1M vs 10k transactions
 *   aisp-profile  where the time of one AIS request goes (SQL statements, CPU profile, replay guard off)
 *   pisp          POST /domestic-payments throughput vs the same ledger writes in one raw mysql2 transaction
 *   vrp           POST /domestic-vrps (payments under VRP mandates) throughput vs the pisp bench's raw mysql2 baseline
 *   events        event notifications from commit to a local receiver vs a bare sign-and-POST loop
 *   token         the token endpoint (client credentials, private_key_jwt + DPoP) vs the same oidc-provider in memory
 *   hot-account   1,000 payments from one debtor account, 50 in flight, vs the same postings as raw SQL
 *   all           every benchmark in turn, then a summary table (markdown) on stdout and in bench/results/
 *   proofs        µs of CPU per access token + DPoP proof check and per x-jws-signature check, in process
 *   startup       CPU of an \`openteller serve\` process from its start to ready, on an existing database
 */
const USAGE = `Usage: npm run bench -- <benchmark>

Benchmarks:
  aisp    GET …/accounts/{id}/balances and …/transactions through the full path (JWT + DPoP + consent + MySQL)
          vs a bare Koa + mysql2 baseline, then first/deep page latency over 1M vs 10k transactions.
  aisp-profile
          where the time of …/balances goes: replay-guard INSERT switched off by a preloaded hook,
          every SQL statement timed, and a CPU profile of the server (BENCH_PROFILE_ENDPOINT=transactions
          for …/transactions; BENCH_PROFILE_SAVE=out.cpuprofile keeps the raw profile). Changes no
          application file: the experiments are preloaded hooks in bench/lib/hooks.
  pisp    POST …/pisp/domestic-payments through the full path (customer token + DPoP + detached JWS +
          idempotency key + schema + risk reads + ledger transaction + signed response) on pre-authorised
          consents vs a baseline making the same ledger writes in one raw mysql2 transaction.
  vrp     POST …/pisp/domestic-vrps, payments under authorised domestic VRP mandates, through the full path (customer
          token bound to the mandate + DPoP + detached JWS + idempotency key + schema + mandate checks + the mandate
          locked and its payments summed per periodic limit + risk reads + ledger transaction + signed response) vs the
          pisp baseline, in paired rounds; verdict: median of the per-round ratios, target ≥ 0.25.

  events  event notifications raised by real state changes (consents expired through the domain, each with its
          event in one transaction) and pushed by the server's worker to a local receiver, vs a bare loop signing
          the same events with the same key and POSTing them to the same receiver: throughput and commit→receipt
          latency (p50/p99). Targets: throughput ≥ 0.5× the baseline, p99 < 1 s.
  token   POST /token, client credentials with a private_key_jwt client assertion and a DPoP proof (each request its
          own, made with node:crypto before its run), vs the same oidc-provider version and features entirely in
          memory (memory adapter, static client), in paired rounds; verdict: median of the per-round ratios, target
          ≥ 0.9; then one profiled run: SQL statements and server CPU per token.
  hot-account
          1,000 payments (BENCH_HOT_PAYMENTS) from ONE debtor account, 50 in flight (BENCH_HOT_IN_FLIGHT), through the
          full path of POST …/domestic-payments vs the pisp baseline's raw SQL postings at the same concurrency, in
          paired rounds (BENCH_ROUNDS, 3); verdict: median of the per-round ratios, target ≥ 0.5.
  all     every benchmark in turn (aisp with BENCH_SKIP_SCALE=1, pisp, vrp, events, proofs, token, hot-account), each
          in its own process with its output passed through, then a markdown table of target, median ratio, verdict
          and machine load on stdout and in bench/results/all-<time>.md (BENCH_ONLY=token,pisp runs only those).
  proofs  CPU per check, in this process: the access token with a DPoP proof of each algorithm (ES256, PS256,
          EdDSA) as the resource API checks it, and an x-jws-signature (PS256, 1 kB body). BENCH_PROOFS checks
          per round (default 2000), BENCH_ROUNDS rounds (default 5; the median is printed).
  startup CPU of \`openteller serve\` (compiled, plain node) from its start to ready on an existing database, median
          of BENCH_ROUNDS starts (default 7); target ≤ 800 ms. BENCH_STARTUP_PROFILE=1 adds a profiled start
          and prints where its CPU went.

Environment (aisp):
  BENCH_DATABASE_URL  MySQL/MariaDB server to use; a fresh database is created next to the one named
                      (default mysql://root@127.0.0.1:3306/test) and dropped at the end
  BENCH_CONNECTIONS   concurrent connections of the load generator (default 10)
  BENCH_DURATION      seconds per measured run (default 10; keep ≤ 40 so DPoP proofs stay fresh)
  BENCH_WARMUP        seconds of warm-up before each run (default 3)
  BENCH_ROUNDS        alternating rounds of baseline → balances → transactions (default 3; req/s = median)
  BENCH_BIG / BENCH_SMALL   transfers in the two scale-check accounts (default 1000000 / 10000)
  BENCH_DEEP_PAGES    pages of 1000 to walk before the deep page (default 100)
  BENCH_REPS          repetitions per latency figure in the scale check (default 21)
  BENCH_SKIP_LOAD=1 / BENCH_SKIP_SCALE=1   skip the throughput part / the scale check
  BENCH_OPENTELLER_ENTRY   the server entry (default dist/cli/run.js, built by \`npm run bench\` as \`npm start\`
                      does, run with plain node as in production; src/cli/run.ts runs the sources through tsx)

Environment (pisp): BENCH_DATABASE_URL, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_ROUNDS and
  BENCH_OPENTELLER_ENTRY as above, and
  BENCH_DURATION      seconds per measured run (default 20; keep ≤ 30: proofs live 60 s, tokens 300 s)
  BENCH_PAYERS        customers paying each other, one account each (default 200)
  BENCH_API_CONSENTS  consents created through POST /domestic-payment-consents in setup (default 300)
  BENCH_PISP_EXTERNAL=1   also one round with every payee at another bank (clearing account: one hot row)
  BENCH_PISP_PROFILE=1    then one more run with the server profiled (CPU profile, every SQL statement)

Environment (vrp): BENCH_DATABASE_URL, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_ROUNDS, BENCH_OPENTELLER_ENTRY,
  BENCH_DURATION and BENCH_PAYERS as for pisp, and
  BENCH_MANDATES      authorised mandates the payments are spread over, mandate k from payer k to a random other
                      payer (default: BENCH_PAYERS, one per payer; 1 puts every payment on one mandate's lock)
  BENCH_VRP_PROFILE=1     then one more run with the server profiled (CPU profile, every SQL statement)

Environment (token): BENCH_DATABASE_URL, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_ROUNDS and BENCH_OPENTELLER_ENTRY
  as above; BENCH_DURATION (default 10). REDIS_URL set puts OpenTeller's one-time values in Redis.

Environment (events): BENCH_DATABASE_URL, BENCH_ROUNDS and BENCH_OPENTELLER_ENTRY as above, and
  BENCH_EVENTS        events per round and side (default 10000)
  BENCH_PRODUCERS     state changes committed concurrently by the producer (default 8)
  BENCH_IN_FLIGHT     POSTs the baseline keeps in flight (default 8)
`;

const [name] = process.argv.slice(2);
if (name === 'aisp') {
  const { benchAisp } = await import('./aisp.js');
  process.exitCode = await benchAisp();
} else if (name === 'pisp') {
  const { benchPisp } = await import('./pisp.js');
  process.exitCode = await benchPisp();
} else if (name === 'vrp') {
  const { benchVrp } = await import('./vrp.js');
  process.exitCode = await benchVrp();
} else if (name === 'events') {
  const { benchEvents } = await import('./events.js');
  process.exitCode = await benchEvents();
} else if (name === 'token') {
  const { benchToken } = await import('./token.js');
  process.exitCode = await benchToken();
} else if (name === 'hot-account') {
  const { benchHotAccount } = await import('./hot-account.js');
  process.exitCode = await benchHotAccount();
} else if (name === 'all') {
  const { benchAll } = await import('./all.js');
  process.exitCode = await benchAll();
} else if (name === 'proofs') {
  const { benchProofs } = await import('./proofs.js');
  process.exitCode = await benchProofs();
} else if (name === 'startup') {
  const { benchStartup } = await import('./startup.js');
  process.exitCode = await benchStartup();
} else if (name === 'aisp-profile') {
  const { profileAisp } = await import('./aisp-profile.js');
  process.exitCode = await profileAisp();
} else {
  process.stdout.write(USAGE);
  process.exitCode = name === undefined || name === 'help' || name === '--help' ? 0 : 2;
}
