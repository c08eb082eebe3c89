// End-to-end tests of sync: `hypasis devnet` (a local network of devp2p peers with fault profiles) and
// `hypasis run` (bootstrap from the devnet's signed checkpoint, forward and backward pipelines, REST API), each a
// real process on 127.0.0.1.
//
//   node sync.mjs <hypasis> <hypasis_test_chain> <hypasis_test_corrupt> SCENARIO
//
// Scenarios (one CTest test each): both, pause, crash, hostile, budget, corrupt, badcheckpoint. Random kill delays
// come from HYPASIS_SEED (printed, so that a failure can be replayed). Every wait is bounded; every process is
// stopped by its pid. Uses only Node's standard library.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [hypasis, genChain, corruptTool, scenario] = process.argv.slice(2);
if (!hypasis || !genChain || !corruptTool || !scenario) {
  console.error('usage: node sync.mjs <hypasis> <hypasis_test_chain> <hypasis_test_corrupt> SCENARIO');
  process.exit(2);
}

const seed = Number(process.env.HYPASIS_SEED ?? Date.now() % 1_000_000);
console.log(`HYPASIS_SEED=${seed} scenario=${scenario}`);
let rng = seed >>> 0 || 1;
function random() {  // xorshift32
  rng ^= rng << 13; rng >>>= 0;
  rng ^= rng >>> 17;
  rng ^= rng << 5; rng >>>= 0;
  return rng / 2 ** 32;
}

// Under the sanitizers every process is several times slower: the same checks, with wider timing bounds.
const relaxed = process.env.HYPASIS_E2E_TIMING === 'relaxed';
const lagBound = relaxed ? 3 : 1;
const work = fs.mkdtempSync(path.join(os.tmpdir(), `hypasis-e2e-sync-${scenario}-`));
let failures = 0;
let checks = 0;
function check(cond, what, detail = '') {
  ++checks;
  if (cond) return;
  ++failures;
  console.error(`FAIL: ${what}${detail ? `\n${detail}` : ''}`);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what, cond, timeoutMs, stepMs = 200) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

// ---- processes ----

const children = new Set();
function startProcess(name, args, logFile) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', log] });
  child.name = name;
  child.logFile = logFile;
  child.stdoutText = '';
  child.stdout.on('data', (d) => { child.stdoutText += d.toString(); });
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    children.delete(child);
    fs.closeSync(log);
    resolve({ code, signal });
  }));
  children.add(child);
  return child;
}
async function stopProcess(child, signal = 'SIGTERM', timeoutMs = 30000) {
  if (!children.has(child)) return child.exited;
  child.kill(signal);
  const timer = setTimeout(() => { if (children.has(child)) child.kill('SIGKILL'); }, timeoutMs);
  const r = await child.exited;
  clearTimeout(timer);
  return r;
}
async function cleanup() {
  for (const c of [...children]) await stopProcess(c, 'SIGKILL', 5000);
}
const logOf = (child) => { try { return fs.readFileSync(child.logFile, 'utf8'); } catch { return ''; } };
const tail = (text, n = 40) => text.split('\n').slice(-n).join('\n');

/// Starts `hypasis devnet` in `dir`; resolves once devnet.json lists every peer.
async function startDevnet(dir, args) {
  fs.mkdirSync(dir, { recursive: true });
  const child = startProcess('devnet', [hypasis, 'devnet', '--dir', dir, '--port', '0', '--seed', String(7), ...args],
                             path.join(dir, 'devnet.log'));
  const infoPath = path.join(dir, 'devnet.json');
  const info = await waitFor('devnet.json', async () => {
    if (!children.has(child)) throw new Error(`devnet exited early:\n${tail(logOf(child))}`);
    try { return JSON.parse(fs.readFileSync(infoPath, 'utf8')); } catch { return null; }
  }, 120000);
  child.info = () => JSON.parse(fs.readFileSync(infoPath, 'utf8'));
  child.head = () => child.info().head.number;
  console.log(`devnet: ${info.peers.length} peers (${info.peers.map((p) => p.profile).join(', ')}), ` +
              `head ${info.head.number}, checkpoint ${info.checkpointBlock}`);
  return { child, info };
}

let nodeStarts = 0;
/// Starts `hypasis run` against the devnet; resolves with the process and its API URL once the API answers.
async function startNode(datadir, info, extra = [], peers = info.peers) {
  const args = [hypasis, 'run', '--datadir', datadir, '--genesis', info.genesis, '--checkpoint', `file:${info.checkpoint}`,
    '--validators', info.validators, '--port', '0', '--no-discovery', '--api-port', '0', '--log-level', 'debug'];
  for (const p of peers) args.push('--static-peer', p.enode);
  const child = startProcess('node', [...args, ...extra], `${datadir}.${++nodeStarts}.log`);
  const url = await waitFor('the REST API URL in the log', async () => {
    const m = /msg="REST API and dashboard" url=(http:\/\/127\.0\.0\.1:\d+)/.exec(logOf(child));
    if (m) return m[1];
    if (!children.has(child)) throw new Error(`hypasis run exited early:\n${tail(logOf(child))}`);
    return null;
  }, 60000, 100);
  child.url = url;
  return child;
}

async function api(node, route, init = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  try {
    const r = await fetch(`${node.url}${route}`, { ...init, signal: controller.signal });
    const text = await r.text();
    let body = null;
    try { body = JSON.parse(text); } catch { body = text; }
    return { status: r.status, body };
  } finally {
    clearTimeout(timer);
  }
}
const status = async (node) => (await api(node, '/api/v1/status')).body;
function token(datadir) { return fs.readFileSync(path.join(datadir, 'api-token'), 'utf8').trim(); }
function bearer(datadir) { return { Authorization: `Bearer ${token(datadir)}` }; }

function run(args) {
  const r = spawnSync(hypasis, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return r;
}
function gaps(datadir) {
  const r = run(['db', 'gaps', '--json', '--datadir', datadir]);
  if (r.status !== 0) throw new Error(`db gaps failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
/// Blocks of `kind` stored in the datadir, from `db gaps --json`.
function storedCount(g, kind) {
  const k = g[kind] ?? g.kinds?.[kind];
  return (k?.ranges ?? k?.stored ?? []).reduce((n, r) => n + (r.end - r.first), 0);
}

/// Exports [0, head] and compares it byte for byte with the same blocks generated independently (the devnet's
/// chain is the deterministic generator's, seed 7); returns the head compared.
function compareWithDevnet(datadir, info, head, what) {
  const exported = path.join(work, `export-${what}.rlp`);
  const expected = path.join(work, `expected-${what}.rlp`);
  const e = run(['export', '--datadir', datadir, '--from', '0', '--to', String(head), exported]);
  check(e.status === 0, `${what}: export [0, ${head}] succeeds`, e.stderr);
  const f = info.forks ?? { shanghai: 0, cancun: 0, prague: 0 };
  const g = spawnSync(genChain, ['--seed', '7', '--genesis-time', String(info.genesisTimestamp), '--shanghai',
                                 String(f.shanghai), '--cancun', String(f.cancun), '--prague', String(f.prague),
                                 String(head + 1), expected], { encoding: 'utf8' });
  if (g.status !== 0) throw new Error(`hypasis_test_chain: ${g.stderr}`);
  if (e.status === 0) {
    const a = fs.readFileSync(exported);
    const b = fs.readFileSync(expected);
    check(a.equals(b), `${what}: every stored block of [0, ${head}] equals the devnet's (${b.length} bytes)`);
  }
}

// ---- scenarios ----

/// Bootstrap at C of an advancing chain: forward stays within one block of the tip while backward fills [0, C).
async function both() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '20000', '--checkpoint-at', '19000', '--block-interval', '1', '--peers', 'honest,honest,honest',
     '--forks', 'shanghai=5000,cancun=10000,prague=15000',  // backward crosses every transition
     '--checkpoint-every', '3']);  // a newer signed checkpoint every 3 blocks: the trusted tip
  const datadir = path.join(work, 'node');
  const node = await startNode(datadir, info, ['--checkpoint-refresh', '1']);
  const started = Date.now();
  await waitFor('ready', async () => (await api(node, '/readyz')).status === 200, 60000);
  const s0 = await status(node);
  check(s0.anchor?.number === info.checkpointBlock || s0.anchor_number === info.checkpointBlock,
        'the anchor is the checkpoint block', JSON.stringify(s0.anchor ?? s0.anchor_number));

  // Forward catches up, then stays within one block of the devnet's head until backward is done.
  let maxLag = 0;
  let samples = 0;
  let caughtUp = false;
  const done = await waitFor('backward done', async () => {
    const before = devnet.head();
    const s = await status(node);
    const height = s.forward?.height ?? 0;
    if (!caughtUp && height >= before - 1) caughtUp = true;
    if (caughtUp) {
      ++samples;
      maxLag = Math.max(maxLag, before - height);
    }
    // At least 10 s of samples once caught up, even if backward finishes sooner.
    return s.backward?.state === 'done' && caughtUp && Date.now() - started > 10000 ? s : null;
  }, 300000, 250);
  console.log(`both: backward done; forward at ${done.forward.height}, ${samples} samples, max lag ${maxLag}`);
  check(samples >= 20 && maxLag <= lagBound, `forward stays within ${lagBound} block(s) of the tip`,
        `max lag ${maxLag} over ${samples} samples`);
  check(done.backward.height === 0, 'backward reached genesis', JSON.stringify(done.backward));

  const g = (await api(node, '/api/v1/gaps')).body;
  check(JSON.stringify(g).includes('"headers"'), '/api/v1/gaps answers per kind', JSON.stringify(g));
  // Newer checkpoints were read, verified and recorded; the newest is at or below the stored head.
  const ckpts = (await api(node, '/api/v1/checkpoints')).body.checkpoints ?? [];
  const newest = Math.max(...ckpts.map((c) => c.blockNum));
  check(ckpts.length >= 3 && newest > info.checkpointBlock, 'newer checkpoints became trusted tips',
        JSON.stringify(ckpts.map((c) => c.blockNum)));
  check(done.forward.height >= newest, 'forward reached the newest trusted checkpoint',
        `${done.forward.height} < ${newest}`);
  // The start-up checkpoint is logged verified once (the command and the library each used to log it), with its
  // stake.
  const startup = logOf(node).split('msg=anchored')[0];
  const verifiedLines = startup.split('\n').filter((l) => l.includes('msg="checkpoint verified"'));
  check(verifiedLines.length === 1 && /stake=\d+\/\d+/.test(verifiedLines[0]),
        'the checkpoint is logged verified once, with its stake', verifiedLines.join(' | '));
  const head = done.forward.height;
  await stopProcess(node);
  await stopProcess(devnet);
  compareWithDevnet(datadir, info, head, 'both');
}

/// Pause and resume through the API: while paused backward sends nothing; forward goes on.
async function pause() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '6000', '--checkpoint-at', '5900', '--block-interval', '0.5', '--peers', 'honest,honest']);
  const datadir = path.join(work, 'node');
  const node = await startNode(datadir, info, ['--bandwidth', '1MiB']);
  await waitFor('backward progress', async () => ((await status(node)).backward?.blocks ?? 0) > 0, 60000);

  const unauthorised = await api(node, '/api/v1/sync/pause', { method: 'POST' });
  check(unauthorised.status === 401, 'pause without a token is 401', JSON.stringify(unauthorised));
  const wrong = await api(node, '/api/v1/sync/pause', { method: 'POST', headers: { Authorization: 'Bearer nope' } });
  check(wrong.status === 401, 'pause with a wrong token is 401');
  check((await status(node)).backwardPaused !== true, 'a refused pause does not pause');

  const ok = await api(node, '/api/v1/sync/pause', { method: 'POST', headers: bearer(datadir) });
  check(ok.status === 200, 'pause with the token is 200', JSON.stringify(ok));
  await sleep(1500);  // requests already in flight finish
  const a = await status(node);
  await sleep(4000);
  const b = await status(node);
  check(b.backward.requests === a.backward.requests, 'no backward request while paused',
        `${a.backward.requests} -> ${b.backward.requests}`);
  check(b.backward.state === 'paused', 'backward reports paused', b.backward.state);
  check(b.forward.height > a.forward.height, 'forward goes on while backward is paused',
        `${a.forward.height} -> ${b.forward.height}`);

  const resumed = await api(node, '/api/v1/sync/resume', { method: 'POST', headers: bearer(datadir) });
  check(resumed.status === 200, 'resume with the token is 200');
  await waitFor('backward requests after resume', async () => (await status(node)).backward.requests >
                b.backward.requests, 30000);
  await stopProcess(node);
  await stopProcess(devnet);
}

/// SIGKILL at random moments during backfill, 20 times: each restart resumes from the store, nothing is lost or
/// duplicated, and the last run fetches exactly what was missing.
async function crash() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '30000', '--checkpoint-at', '29990', '--block-interval', '0', '--peers', 'honest,honest,honest']);
  const datadir = path.join(work, 'node');
  const missing = (g, kind) => (g[kind]?.gaps ?? []).reduce((n, r) => n + (r.end - r.first), 0);
  let previous = 0;
  let midway = 0;
  for (let i = 0; i < 20; ++i) {
    const node = await startNode(datadir, info, ['--bandwidth', '1MiB']);
    await sleep(300 + Math.floor(random() * 1500));
    await stopProcess(node, 'SIGKILL');
    const g = gaps(datadir);
    const stored = storedCount(g, 'headers') + storedCount(g, 'bodies') + storedCount(g, 'receipts');
    check(stored >= previous, `kill ${i + 1}: nothing stored was lost`, `${previous} -> ${stored}`);
    if (['headers', 'bodies', 'receipts'].some((k) => missing(g, k) > 0)) ++midway;
    previous = stored;
  }
  console.log(`crash: 20 kills, ${midway} of them during backfill; ${previous} rows stored before the final run`);
  check(midway >= 15, 'the kills landed during backfill', `${midway} of 20`);
  // The final run: backward stores exactly the missing rows (no completed range is fetched again).
  const before = gaps(datadir);
  const node = await startNode(datadir, info);
  const s = await waitFor('backward done', async () => {
    const st = await status(node);
    return st.backward?.state === 'done' ? st : null;
  }, 300000, 250);
  check(s.backward.blocks === missing(before, 'headers'), 'the final run fetches exactly the missing headers',
        `stored by backward ${s.backward.blocks}, missing ${missing(before, 'headers')}`);
  check(s.backward.bodies === missing(before, 'bodies'), 'the final run fetches exactly the missing bodies',
        `stored by backward ${s.backward.bodies}, missing ${missing(before, 'bodies')}`);
  check(s.backward.receipts === missing(before, 'receipts'), 'the final run fetches exactly the missing receipts',
        `stored by backward ${s.backward.receipts}, missing ${missing(before, 'receipts')}`);
  await stopProcess(node);
  await stopProcess(devnet);
  compareWithDevnet(datadir, info, info.head.number, 'crash');
}

/// One honest peer among five bad ones: sync completes, and the bad peers are penalised or banned.
async function hostile() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '2500', '--checkpoint-at', '2400', '--block-interval', '1',
     '--peers', 'honest,withholding,invalid,lying,flaky,slow']);
  const datadir = path.join(work, 'node');
  const node = await startNode(datadir, info);
  const done = await waitFor('backward done', async () => {
    const s = await status(node);
    return s.backward?.state === 'done' && (s.forward?.height ?? 0) >= devnet.head() - 1 ? s : null;
  }, 400000, 500);
  console.log(`hostile: done; forward ${done.forward.height}, backward ${done.backward.height}`);
  // Each misbehaving peer shows in /api/v1/peers as banned, or connected with penalties recorded against it (a
  // disconnected static peer is redialed, so poll for a while).
  const idOf = (enode) => /^enode:\/\/([0-9a-f]+)@/.exec(enode)[1];
  const seen = async (id) => {
    const peers = (await api(node, '/api/v1/peers')).body;
    const banned = (peers.banned ?? []).find((b) => b.id.includes(id));
    if (banned) return `banned (${banned.reason})`;
    const c = (peers.peers ?? []).find((x) => x.id.includes(id));
    return c && c.penalties > 0 ? `penalised ${c.penalties}x (last: ${c.lastPenalty}, reputation ${c.reputation})` : null;
  };
  for (const p of info.peers.filter((x) => x.profile === 'invalid' || x.profile === 'lying')) {
    let verdict = null;
    try {
      verdict = await waitFor(`the ${p.profile} peer penalised or banned`, () => seen(idOf(p.enode)), 30000, 250);
    } catch (e) {
      verdict = null;
    }
    check(verdict !== null, `the ${p.profile} peer is banned or penalised in /api/v1/peers`,
          JSON.stringify((await api(node, '/api/v1/peers')).body).slice(0, 3000));
    if (verdict) console.log(`hostile: the ${p.profile} peer: ${verdict}`);
  }
  const honest = info.peers.find((x) => x.profile === 'honest');
  const honestNow = ((await api(node, '/api/v1/peers')).body.peers ?? []).find((x) => x.id.includes(idOf(honest.enode)));
  check(honestNow && honestNow.penalties === 0, 'the honest peer is connected and never penalised',
        JSON.stringify(honestNow));
  const head = done.forward.height;
  await stopProcess(node);
  await stopProcess(devnet);
  compareWithDevnet(datadir, info, head, 'hostile');
}

/// A saturated link: while both sides want more than the link gives, backward's share of bytes stays near its
/// configured 30 %; once forward has caught up, the tip lag does not grow.
async function budget() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '12000', '--checkpoint-at', '5000', '--block-interval', '1', '--peers', 'honest,honest,honest']);
  const datadir = path.join(work, 'node');
  const node = await startNode(datadir, info, ['--bandwidth', '1MiB', '--forward-share', '0.7']);
  await waitFor('both directions moving', async () => {
    const s = await status(node);
    return (s.forward?.bytes ?? 0) > 0 && (s.backward?.bytes ?? 0) > 0;
  }, 60000);
  // Backward spends in bursts (a few batches, then it repays its debt), so the window spans many bursts.
  const windowS = 18;
  const a = await status(node);
  await sleep(windowS * 1000);
  const b = await status(node);
  const fwd = b.forward.bytes - a.forward.bytes;
  const bwd = b.backward.bytes - a.backward.bytes;
  const share = bwd / (fwd + bwd);
  const rate = (fwd + bwd) / windowS;
  check(b.backward.state !== 'done', 'backward was still filling during the measurement', b.backward.state);
  console.log(`budget: forward ${fwd} B, backward ${bwd} B in ${windowS} s: backward share ${share.toFixed(3)}, ` +
              `${(rate / 1048576).toFixed(2)} MiB/s total`);
  const stillCatchingUp = b.forward.height < devnet.head() - 5;
  check(stillCatchingUp, 'forward was still catching up during the measurement (a saturated link)',
        `forward ${b.forward.height}, head ${devnet.head()}`);
  check(share > 0.2 && share < 0.4, 'backward gets about its 30 % share of a saturated link', share.toFixed(3));
  check(rate < 1.25 * 1048576, 'the total stays within the configured bandwidth', String(rate));

  // Forward catches up, then its lag stays bounded while backward goes on.
  await waitFor('forward at the tip', async () => (await status(node)).forward.height >= devnet.head() - 1, 300000);
  let maxLag = 0;
  for (let i = 0; i < 20; ++i) {
    const before = devnet.head();
    const s = await status(node);
    maxLag = Math.max(maxLag, before - s.forward.height);
    await sleep(250);
  }
  check(maxLag <= lagBound + 1, 'the tip lag does not grow under a saturated link', `max lag ${maxLag}`);
  await stopProcess(node);
  await stopProcess(devnet);
}

/// A corrupted stored block is detected (by the scrubber), shows as a gap and is fetched again automatically.
async function corrupt() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '1200', '--checkpoint-at', '1100', '--block-interval', '0', '--peers', 'honest,honest']);
  const datadir = path.join(work, 'node');
  let node = await startNode(datadir, info, ['--scrub-rate', '0']);
  await waitFor('backward done', async () => (await status(node)).backward?.state === 'done', 200000);
  await stopProcess(node);
  const full = gaps(datadir);
  const victims = [['headers', 500], ['bodies', 800]];
  for (const [kind, n] of victims) {
    const r = spawnSync(corruptTool, [datadir, kind, String(n)], { encoding: 'utf8' });
    check(r.status === 0, `damaged block ${n}'s ${kind} row`, r.stderr);
  }
  node = await startNode(datadir, info, ['--scrub-rate', '100000']);
  const metrics = await waitFor('the scrubber to find the damage', async () => {
    const m = (await api(node, '/metrics')).body;
    const found = /^hypasis_store_corruptions_total\s+(\d+)/m.exec(m);
    return found && Number(found[1]) >= 2 ? m : null;
  }, 60000);
  check(/hypasis_store_corruptions_total\s+2\b/.test(metrics), 'both damaged rows were found');
  await waitFor('the damaged blocks fetched again (no gap of any kind)', async () => {
    const g = (await api(node, '/api/v1/gaps')).body;
    return ['headers', 'bodies', 'receipts'].every((k) => g[k]?.count === 0) ? g : null;
  }, 120000);
  await stopProcess(node);
  const after = gaps(datadir);
  check(JSON.stringify(after) === JSON.stringify(full), 'the store is whole again',
        `${JSON.stringify(full)}\n${JSON.stringify(after)}`);
  await stopProcess(devnet);
  compareWithDevnet(datadir, info, info.head.number, 'corrupt');
}

/// A checkpoint with insufficient stake stops start-up with a clear message and writes nothing.
async function badcheckpoint() {
  const { child: devnet, info } = await startDevnet(path.join(work, 'devnet'),
    ['--blocks', '200', '--block-interval', '0', '--peers', 'honest', '--bad-checkpoint']);
  const datadir = path.join(work, 'node');
  const r = spawnSync(hypasis, ['run', '--datadir', datadir, '--genesis', info.genesis, '--checkpoint',
    `file:${info.checkpoint}`, '--validators', info.validators, '--port', '0', '--no-discovery', '--api-port', '0',
    '--static-peer', info.peers[0].enode], { encoding: 'utf8', timeout: 60000 });
  check(r.status === 1, 'hypasis run exits 1', `status ${r.status}\n${r.stderr}`);
  check(/refused: .*insufficient/i.test(r.stderr), 'the message says the stake is insufficient', r.stderr);
  check(!fs.existsSync(datadir), 'nothing was written (no datadir)');
  await stopProcess(devnet);
}

const scenarios = { both, pause, crash, hostile, budget, corrupt, badcheckpoint };
if (!scenarios[scenario]) {
  console.error(`unknown scenario ${scenario}; one of ${Object.keys(scenarios).join(', ')}`);
  process.exit(2);
}
try {
  await scenarios[scenario]();
} catch (e) {
  ++failures;
  console.error(`FAIL: ${e.stack ?? e}`);
  for (const c of children) console.error(`--- ${c.name} log (tail) ---\n${tail(logOf(c), 60)}`);
} finally {
  await cleanup();
}
console.log(`${scenario}: ${checks} checks, ${failures} failures`);
if (failures === 0) fs.rmSync(work, { recursive: true, force: true });
else console.error(`logs kept in ${work}`);
process.exit(failures === 0 ? 0 : 1);
