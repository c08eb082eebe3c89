#!/usr/bin/env node
// Live end-to-end genesis check: `hypasis chain info --genesis FILE` against ethereumjs, computed now (not read
// from expected.json).
//
// For every genesis file in this folder (except expected.json), and for a variant of each with one extra funded
// account (so a state root that no stored file pins), it compares:
//  - genesisHash and genesis.stateRoot with ethereumjs's genesis block (genesisOf from genesis_check.mjs:
//    createCommonFromGethGenesis + createBlockchain with parseGethGenesisState);
//  - chainId and networkId with the file's config.chainId;
//  - the EIP-2124 forkId at genesis and at each later fork ethereumjs schedules (passing --head/--time), with
//    ethereumjs Common.forkHash() and nextHardforkBlockOrTimestamp().
// Then a truncated genesis file must make hypasis exit 1 with one `hypasis: --genesis …` line.
//
// Usage:   node compare.mjs PATH/TO/hypasis
// Exit:    0 all matched; 1 any mismatch or failure (each printed); 2 usage; 77 skipped (node_modules absent).
// Nothing here talks to the network.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SKIP = 77;
const here = dirname(fileURLToPath(import.meta.url));

let common;
let util;
try {
  [common, util] = await Promise.all([import('@ethereumjs/common'), import('@ethereumjs/util'),
    import('@ethereumjs/blockchain')]);
} catch (e) {
  console.log(`SKIP: ethereumjs packages not installed (npm ci in tests/interop): ${e.message}`);
  process.exit(SKIP);
}
// Imported only once the packages are known to be there: a failure here is a real error.
const { genesisOf } = await import('./genesis_check.mjs');
const { createCommonFromGethGenesis } = common;
const { hexToBytes } = util;

const hypasis = process.argv[2];
if (!hypasis) {
  console.error('usage: node compare.mjs PATH/TO/hypasis');
  process.exit(2);
}

let failures = 0;
let checks = 0;
function expectEqual(what, ours, theirs) {
  checks++;
  if (String(ours).toLowerCase() === String(theirs).toLowerCase()) return;
  failures++;
  console.error(`MISMATCH ${what}: hypasis ${ours}, ethereumjs ${theirs}`);
}

// Runs `hypasis chain info` and returns {status, stdout, stderr, json}.
function chainInfo(args) {
  const r = spawnSync(hypasis, ['chain', 'info', ...args], { encoding: 'utf8' });
  if (r.error) throw r.error;
  let json = null;
  if (r.status === 0) json = JSON.parse(r.stdout);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

// The heads at which to compare fork ids: genesis, then each fork point ethereumjs schedules after it. A
// timestamp fork is checked with every block fork passed (timestamp forks follow London, EIP-6122).
function forkHeads(c, genesisTime) {
  const heads = [{ number: 0n, time: genesisTime }];
  let lastBlock = 0n;
  for (const hf of c.hardforks()) {
    if (hf.block !== null && hf.block !== undefined && BigInt(hf.block) > lastBlock) lastBlock = BigInt(hf.block);
  }
  const seen = new Set();
  for (const hf of c.hardforks()) {
    let head;
    if (hf.timestamp !== undefined && hf.timestamp !== null && BigInt(hf.timestamp) > genesisTime) {
      head = { number: lastBlock, time: BigInt(hf.timestamp) };
    } else if (hf.block !== null && hf.block !== undefined && BigInt(hf.block) > 0n) {
      head = { number: BigInt(hf.block), time: genesisTime };
    } else {
      continue;
    }
    const key = `${head.number}/${head.time}`;
    if (!seen.has(key)) heads.push(head);
    seen.add(key);
  }
  return heads;
}

async function compareFile(path, label) {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const ref = await genesisOf(path);
  const ours = chainInfo(['--genesis', path]);
  if (ours.status !== 0) {
    failures++;
    console.error(`FAIL ${label}: hypasis exited ${ours.status}: ${ours.stderr.trim()}`);
    return;
  }
  const j = ours.json;
  expectEqual(`${label} genesisHash`, j.genesisHash, ref.hash);
  expectEqual(`${label} genesis.stateRoot`, j.genesis?.stateRoot, ref.stateRoot);
  expectEqual(`${label} genesis.hash`, j.genesis?.hash, ref.hash);
  expectEqual(`${label} chainId`, j.chainId, json.config.chainId);
  expectEqual(`${label} networkId`, j.networkId, json.config.chainId);

  const c = createCommonFromGethGenesis(json, { chain: basename(path, '.json') });
  const genesisTime = BigInt(json.timestamp ?? 0);
  for (const head of forkHeads(c, genesisTime)) {
    const at = `${label} forkId at (${head.number}, ${head.time})`;
    const hf = c.getHardforkBy({ blockNumber: head.number, timestamp: head.time });
    const refHash = c.forkHash(hf, hexToBytes(ref.hash));
    const refNext = c.nextHardforkBlockOrTimestamp(hf) ?? 0n;
    const r = head.number === 0n && head.time === genesisTime
      ? ours
      : chainInfo(['--genesis', path, '--head', String(head.number), '--time', String(head.time)]);
    if (r.status !== 0) {
      failures++;
      console.error(`FAIL ${at}: hypasis exited ${r.status}: ${r.stderr.trim()}`);
      continue;
    }
    expectEqual(`${at} hash`, r.json.forkId.hash, refHash);
    expectEqual(`${at} next`, r.json.forkId.next, refNext);
  }
  console.log(`${label} ${j.genesisHash} ${j.genesis?.stateRoot} forkId ${j.forkId.hash}/${j.forkId.next}`);
}

const files = readdirSync(here)
  .filter((f) => f.endsWith('.json') && f !== 'expected.json')
  .sort();
if (files.length < 4) {
  console.error(`FAIL: only ${files.length} genesis files in ${here}`);
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'hypasis-genesis-'));
try {
  for (const f of files) {
    const path = join(here, f);
    await compareFile(path, f);

    // The same chain with one more funded account: a different state root and hash, computed by both sides.
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.alloc['0x00000000000000000000000000000000c0ffee01'] = { balance: '0x2a', nonce: '0x3' };
    const variant = join(tmp, `extra-account-${f}`);
    writeFileSync(variant, JSON.stringify(json, null, 2));
    await compareFile(variant, `${f}+account`);
  }

  // A malformed file: one line naming the file, exit 1, nothing on stdout.
  const broken = join(tmp, 'truncated.json');
  writeFileSync(broken, readFileSync(join(here, files[0]), 'utf8').slice(0, 40));
  const r = chainInfo(['--genesis', broken]);
  checks++;
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  if (r.status !== 1 || r.stdout !== '' || lines.length !== 1 || !lines[0].startsWith(`hypasis: --genesis ${broken}: `)) {
    failures++;
    console.error(`FAIL truncated genesis: exit ${r.status}, stdout ${JSON.stringify(r.stdout)}, ` +
                  `stderr ${JSON.stringify(r.stderr)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log(`${checks} comparisons, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
