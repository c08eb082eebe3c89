#!/usr/bin/env node
// Interop: ethereumjs serves, Hypasis downloads.
//
//   node ethjs_serves.mjs PATH/TO/hypasis
//
// 1. chain.mjs builds a 10,000-block chain with ethereumjs alone (signed transactions of types 0-3, withdrawals).
// 2. serve_ethjs.mjs serves it over @ethereumjs/devp2p eth/68 on 127.0.0.1 (discovery off).
// 3. `hypasis p2p status --genesis` must report ethereumjs's Status as compatible (eth/68, network id, genesis,
//    EIP-2124 fork hash as ethereumjs computes it).
// 4. `hypasis p2p fetch --from 0 --count 10000 --bodies --out F --genesis genesis.json` must succeed; F is split and
//    hashed by ethereumjs (@ethereumjs/rlp + keccak) and every block hash compared with the ones ethereumjs built,
//    and F must equal ethereumjs's own serialization byte for byte.
// 5. Negative: a fetch with another chain's genesis must fail (exit 1) naming the peer; a fetch beyond the head
//    must fail naming the first missing block.
// Exit: 0 pass; 1 fail (each FAIL printed); 77 skipped (packages or binary missing).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { check, deadline, here, hypasis, requireBinary, requirePackages, startServer, stopServer, summary,
  workDir } from './harness.mjs';

const bin = process.argv[2];
requireBinary(bin, 'node ethjs_serves.mjs PATH/TO/hypasis');
await requirePackages();
deadline(150000, 'ethjs_serves');
const { RLP } = await import('@ethereumjs/rlp');
const { keccak_256 } = await import('@noble/hashes/sha3.js');
const { bytesToHex } = await import('@ethereumjs/util');

const BLOCKS = Number(process.env.HYPASIS_BLOCKS ?? 10000);
const work = workDir('hypasis-interop-ethjs-serves-');
const chainDir = join(work.dir, 'chain');
let server;
try {
  const t0 = Date.now();
  const { spawnSync } = await import('node:child_process');
  const built = spawnSync(process.execPath, [join(here, 'chain.mjs'), chainDir, '--blocks', String(BLOCKS)],
    { encoding: 'utf8', timeout: 90000 });
  if (built.status !== 0) throw new Error(`chain.mjs failed: ${built.stderr}`);
  console.log(built.stderr.trim());
  const meta = JSON.parse(readFileSync(join(chainDir, 'hashes.json'), 'utf8'));
  const genesisFile = join(chainDir, 'genesis.json');

  server = await startServer(process.execPath, [join(here, 'serve_ethjs.mjs'), chainDir]);
  console.log(`ethereumjs serves at ${server.enode}`);

  // Status as Hypasis sees it.
  const st = hypasis(bin, ['p2p', 'status', server.enode, '--genesis', genesisFile, '--timeout', '10000'], 30000);
  check(st.status === 0, 'p2p status exits 0', st.stderr);
  if (st.status === 0) {
    const s = JSON.parse(st.stdout);
    check(s.eth === 68, 'ethereumjs negotiates eth/68', JSON.stringify(s));
    check(s.status.genesis === meta.genesisHash, 'Status genesis is ethereumjs\'s genesis', s.status.genesis);
    check(s.status.forkId.hash === meta.forkHash, 'fork hash agrees with ethereumjs', s.status.forkId.hash);
    check(s.status.head === meta.hashes.at(-1), 'Status head is the last block', s.status.head);
    check(s.compatible === true, 'Hypasis accepts the Status', JSON.stringify(s));
    check(/ethereumjs/.test(s.clientId), 'client id is ethereumjs\'s', s.clientId);
  }

  // The download.
  const out = join(work.dir, 'fetched.rlp');
  const started = Date.now();
  const f = hypasis(bin, ['p2p', 'fetch', server.enode, '--from', '0', '--count', String(BLOCKS), '--bodies',
    '--out', out, '--genesis', genesisFile, '--quiet'], 120000);
  console.log(`fetch: ${((Date.now() - started) / 1000).toFixed(2)} s: ${f.stderr.trim().split('\n').at(-1)}`);
  check(f.status === 0, 'p2p fetch exits 0', f.stderr);
  if (f.status === 0) {
    const bytes = readFileSync(out);
    const hashes = [];
    let pos = 0;
    while (pos < bytes.length) {
      const { data, remainder } = RLP.decode(bytes.subarray(pos), true);
      hashes.push(bytesToHex(keccak_256(RLP.encode(data[0]))));
      pos = bytes.length - remainder.length;
    }
    check(hashes.length === BLOCKS, `the file holds ${BLOCKS} blocks`, `${hashes.length}`);
    let mismatches = 0;
    hashes.forEach((h, i) => {
      if (h !== meta.hashes[i] && mismatches++ < 5) check(false, `block ${i} hash`, `${h} != ${meta.hashes[i]}`);
    });
    check(mismatches === 0, 'every block hash equals the one ethereumjs built', `${mismatches} differ`);
    check(Buffer.compare(bytes, readFileSync(join(chainDir, 'chain.rlp'))) === 0,
      'the chain file equals ethereumjs\'s serialization byte for byte');
  }

  // Negative: another chain (same config, another extraData: another genesis hash) is refused at Status.
  const other = JSON.parse(readFileSync(genesisFile, 'utf8'));
  other.extraData = '0x6f74686572';
  const otherFile = join(work.dir, 'other-genesis.json');
  writeFileSync(otherFile, JSON.stringify(other));
  const bad = hypasis(bin, ['p2p', 'fetch', server.enode, '--from', '0', '--count', '10', '--genesis', otherFile,
    '--quiet'], 30000);
  check(bad.status === 1, 'a fetch with another genesis exits 1', `${bad.status} ${bad.stderr}`);
  check(bad.stderr.includes(server.enode) && /genesis/.test(bad.stderr), 'the error names the peer and the genesis',
    bad.stderr);

  // Negative: beyond the head, the first missing block is named.
  const beyond = hypasis(bin, ['p2p', 'fetch', server.enode, '--from', String(BLOCKS - 5), '--count', '10',
    '--genesis', genesisFile, '--quiet'], 30000);
  check(beyond.status === 1, 'a fetch beyond the head exits 1', beyond.stderr);
  check(beyond.stderr.includes(`block ${BLOCKS}`), 'the error names the first missing block', beyond.stderr);

  const stopped = await stopServer(server);
  server = undefined;
  check(stopped.code === 0 && !stopped.killed, 'serve_ethjs stops on SIGTERM', JSON.stringify(stopped));
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  check(false, 'unexpected error', e.stack);
} finally {
  if (server) await stopServer(server, 2000);
  work.cleanup();
}
const { checks, failures } = summary();
console.log(`${checks - failures}/${checks} checks passed`);
process.exit(failures === 0 ? 0 : 1);
