// End-to-end test of `hypasis import`, `export`, `db gaps` and `db get`, driving the binary as a process.
//
//   node import_export.mjs <hypasis> <hypasis_test_chain>
//
// Covers what needs a real process: exit codes and stderr lines, files on disk (no partial export), a datadir
// locked by a running import, and SIGKILL in the middle of an import followed by a re-run that must complete the
// store exactly (tracker = data, export byte-identical to the input). Random kill delays come from HYPASIS_SEED
// (printed, so a failure can be replayed). Uses only Node's standard library.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [hypasis, genChain] = process.argv.slice(2);
if (!hypasis || !genChain) {
  console.error('usage: node import_export.mjs <hypasis> <hypasis_test_chain>');
  process.exit(2);
}

const seed = Number(process.env.HYPASIS_SEED ?? Date.now() % 1_000_000);
console.log(`HYPASIS_SEED=${seed}`);
let state = seed >>> 0 || 1;
function random() {  // xorshift32: reproducible delays from the seed
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 2 ** 32;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hypasis-e2e-import-'));
let failures = 0;
let checks = 0;
function check(cond, what, detail = '') {
  ++checks;
  if (cond) return;
  ++failures;
  console.error(`FAIL: ${what}${detail ? `\n${detail}` : ''}`);
}

function run(args, opts = {}) {
  const r = spawnSync(hypasis, args, { encoding: opts.encoding ?? 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.error) throw r.error;
  return r;
}
function gen(args) {
  const r = spawnSync(genChain, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hypasis_test_chain ${args.join(' ')}: ${r.stderr}`);
}
function sha256(file) { return createHash('sha256').update(fs.readFileSync(file)).digest('hex'); }
function gaps(datadir) {
  const r = run(['db', 'gaps', '--json', '--datadir', datadir]);
  if (r.status !== 0) throw new Error(`db gaps failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}
const ranges = (list) => JSON.stringify(list.map((r) => [r.first, r.end]));
// The index of the block that holds byte `offset` of a chain file, from each block's RLP list header.
function blockIndexAt(buf, offset) {
  let pos = 0;
  for (let index = 0; pos < buf.length; ++index) {
    const b = buf[pos];
    if (b < 0xc0) throw new Error(`not a list at byte ${pos}`);
    let header = 1;
    let payload = b - 0xc0;
    if (b >= 0xf8) {
      header = 1 + (b - 0xf7);
      payload = 0;
      for (let i = 1; i < header; ++i) payload = payload * 256 + buf[pos + i];
    }
    const end = pos + header + payload;
    if (offset < end) return index;
    pos = end;
  }
  return -1;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// 1. Round trip of a generated 10,000-block chain; re-import is idempotent.
{
  const dd = path.join(work, 'd1');
  const chain = path.join(work, 'chain.rlp');
  gen(['--seed', '1', '10000', chain]);
  const imp = run(['import', '--datadir', dd, chain]);
  check(imp.status === 0, 'import of 10,000 blocks exits 0', imp.stderr);
  check(/blocks \[0, 10000\): 10000 new, 0 already stored; 10000 blocks/.test(imp.stderr), 'import summary',
        imp.stderr);
  const out = path.join(work, 'out.rlp');
  const exp = run(['export', '--datadir', dd, '--from', '0', '--to', '9999', out]);
  check(exp.status === 0, 'export exits 0', exp.stderr);
  check(fs.existsSync(out) && sha256(out) === sha256(chain), 'export is byte-identical to the imported file');
  const g = gaps(dd);
  check(ranges(g.headers.stored) === '[[0,10000]]' && ranges(g.bodies.stored) === '[[0,10000]]' &&
        g.headers.gaps.length === 0, 'db gaps after the round trip', JSON.stringify(g));
  const again = run(['import', '--datadir', dd, chain]);
  check(again.status === 0 && /0 new, 10000 already stored/.test(again.stderr), 're-import is idempotent',
        again.stderr);
  const stdout = run(['export', '--datadir', dd, '--from', '100', '--to', '199', '-'], { encoding: 'buffer' });
  check(stdout.status === 0 && stdout.stdout.length > 0, 'export to stdout');
  const piped = run(['import', '--datadir', path.join(work, 'd1b'), '-'], { input: stdout.stdout });
  check(piped.status === 0 && /blocks \[100, 200\): 100 new/.test(piped.stderr), 'import from stdin', piped.stderr);
}

// 2. Holes: [0, 1000) and [2000, 3000) stored; gaps, db get, and an export across the hole.
{
  const dd = path.join(work, 'd2');
  const low = path.join(work, 'low.rlp');
  const high = path.join(work, 'high.rlp');
  gen(['--seed', '3', '1000', low]);
  gen(['--seed', '3', '--from', '2000', '3000', high]);
  const imp = run(['import', '--datadir', dd, high, low]);
  check(imp.status === 0, 'import with a hole exits 0', imp.stderr);
  const g = gaps(dd);
  for (const kind of ['headers', 'bodies']) {
    check(ranges(g[kind].stored) === '[[0,1000],[2000,3000]]', `${kind} stored ranges`, JSON.stringify(g[kind]));
    check(ranges(g[kind].gaps) === '[[1000,2000]]' && g[kind].missingBlocks === 1000, `${kind} gaps`,
          JSON.stringify(g[kind]));
  }
  const missing = run(['db', 'get', '--datadir', dd, '1500']);
  check(missing.status === 1 && missing.stderr === 'hypasis: db get: block 1500 is missing (in the gap [1000, 2000))\n',
        'db get in the gap', missing.stderr);
  const beyond = run(['db', 'get', '--datadir', dd, '5000', '--json']);
  check(beyond.status === 1 && beyond.stderr === 'hypasis: db get: block 5000 is beyond the head 2999\n',
        'db get beyond the head', beyond.stderr);
  const out = path.join(work, 'hole.rlp');
  const exp = run(['export', '--datadir', dd, '--from', '0', '--to', '2999', out]);
  check(exp.status === 1 && /block 1000 is missing \(in the gap \[1000, 2000\)\)/.test(exp.stderr),
        'export across the hole fails naming the block', exp.stderr);
  check(!fs.existsSync(out) && !fs.existsSync(`${out}.tmp`), 'a failed export leaves no file');

  // db get --json prints what block inspect prints for the same block.
  const one = path.join(work, 'one.rlp');
  check(run(['export', '--datadir', dd, '--from', '2500', '--to', '2500', one]).status === 0, 'export one block');
  const inspect = run(['block', 'inspect', one]);
  const get = run(['db', 'get', '--datadir', dd, '2500', '--json']);
  check(inspect.status === 0 && get.status === 0 && get.stdout === inspect.stdout && get.stdout.length > 0,
        'db get --json equals block inspect');
  check(JSON.parse(get.stdout).checks.ok === true, 'db get checks pass');
}

// 3. Bad input stops the import with the block number; what came before stays intact and readable.
function badInput(name, file, pattern, storedEnd) {
  const dd = path.join(work, `bad-${name}`);
  const imp = run(['import', '--datadir', dd, '--batch-blocks', '64', file]);
  check(imp.status === 1, `${name}: import exits 1`, imp.stderr);
  check(pattern.test(imp.stderr), `${name}: message names the block`, imp.stderr);
  const g = gaps(dd);
  check(ranges(g.bodies.stored) === `[[0,${storedEnd}]]`, `${name}: blocks before stay stored`, JSON.stringify(g));
  const get = run(['db', 'get', '--datadir', dd, String(storedEnd - 1), '--json']);
  check(get.status === 0 && JSON.parse(get.stdout).number === `0x${(storedEnd - 1).toString(16)}`,
        `${name}: the last good block is readable`, get.stderr);
}
{
  const full = path.join(work, 'full.rlp');
  gen(['--seed', '4', '200', full]);
  const bytes = fs.readFileSync(full);
  const cut = path.join(work, 'truncated.rlp');
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  // The cut lands inside block k, found here from the blocks' own RLP lengths; blocks [0, k) are whole.
  const k = blockIndexAt(bytes, Math.floor(bytes.length * 0.7));
  check(k > 0, 'truncated: the cut is past the first block');
  const truncated = `truncated\\.rlp: the block after block ${k - 1} \\(item #${k} at byte \\d+\\): ` +
                    'the file ends inside this block \\(truncated\\)';
  badInput('truncated', cut, new RegExp(truncated), k);

  const a = path.join(work, 'a.rlp');
  const b = path.join(work, 'b.rlp');
  gen(['--seed', '4', '100', a]);
  gen(['--seed', '5', '--from', '100', '200', b]);
  const mixed = path.join(work, 'mixed.rlp');
  fs.writeFileSync(mixed, Buffer.concat([fs.readFileSync(a), fs.readFileSync(b)]));
  badInput('nolink', mixed,
           /mixed\.rlp: block 100 \(item #100 at byte \d+\): does not link to block 99 earlier in this import/, 100);

  const badroot = path.join(work, 'badroot.rlp');
  gen(['--seed', '4', '--bad-root', '150', '200', badroot]);
  const badRoot = 'badroot\\.rlp: block 150 \\(item #150 at byte \\d+\\): ' +
                  'body does not match the header: transactions root mismatch';
  badInput('badroot', badroot, new RegExp(badRoot), 150);
}

// 4. SIGKILL during import, then a re-run: the store ends complete and consistent, export byte-identical.
{
  const big = path.join(work, 'big.rlp');
  const blocks = 20000;
  gen(['--seed', '6', '--calldata', '2048', String(blocks), big]);
  const bigHash = sha256(big);
  const batch = 500;
  for (let round = 0; round < 4; ++round) {
    const dd = path.join(work, `kill-${round}`);
    const kills = 1 + (round % 2);  // odd rounds are killed twice before the final run
    for (let k = 0; k < kills; ++k) {
      const child = spawn(hypasis, ['import', '--datadir', dd, '--batch-blocks', String(batch), big],
                          { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      if (k === 0 && round === 0) {
        // While the import runs, its datadir is locked against every other command. CURRENT appears while the
        // import opens (and holds) the database, so asking after that cannot steal the lock from it.
        while (!fs.existsSync(path.join(dd, 'CURRENT')) && child.exitCode === null) await sleep(10);
        const locked = run(['db', 'gaps', '--datadir', dd]);
        check(locked.status === 1 && /is in use by another process/.test(locked.stderr),
              'a datadir held by a running import is reported as locked', locked.stderr);
      }
      const delay = 100 + Math.floor(random() * 1400);
      await sleep(delay);
      // By pid, unless it has already exited (then its pid may belong to another process by now).
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      const { code, signal } = await exited;
      console.log(`round ${round}, kill ${k}: after ${delay} ms -> ${signal ?? `exit ${code}`}`);
      if (signal !== 'SIGKILL') {
        check(code === 0, `round ${round}: an import that finished before the kill succeeded`, stderr);
        continue;
      }
      // After the kill: what is stored is a prefix of whole batches, and the tracker says exactly that.
      const g = gaps(dd);
      const stored = g.bodies.stored;
      console.log(`  stored after the kill: ${ranges(stored)}`);
      check(stored.length <= 1 && (stored.length === 0 || (stored[0].first === 0 && stored[0].end % batch === 0)),
            `round ${round}: after SIGKILL the store holds whole batches from block 0`, JSON.stringify(stored));
      check(ranges(g.headers.stored) === ranges(stored), `round ${round}: headers and bodies agree`);
      if (stored.length === 1) {
        const last = stored[0].end - 1;
        const get = run(['db', 'get', '--datadir', dd, String(last)]);
        check(get.status === 0, `round ${round}: the last stored block ${last} reads back`, get.stderr);
      }
    }
    const rerun = run(['import', '--datadir', dd, big]);
    check(rerun.status === 0, `round ${round}: the re-run completes`, rerun.stderr);
    const m = /(\d+) new, (\d+) already stored/.exec(rerun.stderr);
    check(m && Number(m[1]) + Number(m[2]) === blocks, `round ${round}: new + already stored = ${blocks}`,
          rerun.stderr);
    const g = gaps(dd);
    check(ranges(g.headers.stored) === `[[0,${blocks}]]` && ranges(g.bodies.stored) === `[[0,${blocks}]]`,
          `round ${round}: the store is complete`, JSON.stringify(g));
    const out = path.join(work, `kill-${round}.rlp`);
    const exp = run(['export', '--datadir', dd, '--from', '0', '--to', String(blocks - 1), out]);
    check(exp.status === 0 && sha256(out) === bigHash, `round ${round}: export is byte-identical`, exp.stderr);
    fs.rmSync(out);
    fs.rmSync(dd, { recursive: true });
  }
}

fs.rmSync(work, { recursive: true, force: true });
console.log(`${checks - failures}/${checks} checks passed`);
process.exit(failures === 0 ? 0 : 1);
