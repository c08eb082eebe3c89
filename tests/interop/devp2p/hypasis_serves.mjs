#!/usr/bin/env node
// Interop: Hypasis serves, ethereumjs downloads.
//
//   node hypasis_serves.mjs PATH/TO/hypasis
//
// 1. chain.mjs builds the 10,000-block chain with ethereumjs; `hypasis import` stores it in a fresh datadir.
// 2. `hypasis run --genesis genesis.json --port 0` serves it on 127.0.0.1; its first stdout line is its enode.
// 3. An @ethereumjs/devp2p client (eth/68 only, discovery off) dials that enode, completes Status (checking it like
//    any ethereumjs peer: network id, genesis, EIP-2124 fork id), then downloads every header in GetBlockHeaders
//    batches of 1024 and every body in GetBlockBodies batches of 128, with its own EIP-2481 request ids. Each
//    header must hash to the block ethereumjs built and be byte-identical to it; each body must be byte-identical,
//    and ethereumjs rebuilds each block from header + body and checks its transactions and withdrawals tries.
//    Also: a reverse request with skip, a request by hash, and a request beyond the head (fewer headers).
// 4. SIGTERM stops `hypasis run` with exit 0; its log names the ethereumjs peer connecting and leaving.
// Exit: 0 pass; 1 fail; 77 skipped.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { check, deadline, here, hypasis, requireBinary, requirePackages, startServer, stopServer, summary,
  workDir } from './harness.mjs';

const bin = process.argv[2];
requireBinary(bin, 'node hypasis_serves.mjs PATH/TO/hypasis');
await requirePackages();
deadline(150000, 'hypasis_serves');
const { bytesToHex, equalsBytes, hexToBytes } = await import('@ethereumjs/util');
const { RLP } = await import('@ethereumjs/rlp');
const { createBlockHeaderFromBytesArray, genTransactionsTrieRoot, genWithdrawalsTrieRoot } = await import('@ethereumjs/block');
const { keccak_256 } = await import('@noble/hashes/sha3.js');
const { loadChain } = await import('./chain.mjs');
const { ETH_CODES, connectEth, headersQuery, startRlpx } = await import('./ethjs.mjs');

const BLOCKS = Number(process.env.HYPASIS_BLOCKS ?? 10000);
const work = workDir('hypasis-interop-hypasis-serves-');
const chainDir = join(work.dir, 'chain');
const datadir = join(work.dir, 'data');
let server;
let client;
try {
  const t0 = Date.now();
  const built = spawnSync(process.execPath, [join(here, 'chain.mjs'), chainDir, '--blocks', String(BLOCKS)],
    { encoding: 'utf8', timeout: 90000 });
  if (built.status !== 0) throw new Error(`chain.mjs failed: ${built.stderr}`);
  console.log(built.stderr.trim());
  const chain = loadChain(chainDir);

  const imp = hypasis(bin, ['import', '--datadir', datadir, '--quiet', join(chainDir, 'chain.rlp')]);
  check(imp.status === 0, 'hypasis import exits 0', imp.stderr);

  server = await startServer(bin, ['run', '--datadir', datadir, '--genesis', join(chainDir, 'genesis.json'),
    '--port', '0', '--listen', '127.0.0.1', '--api-port', '0']);
  console.log(`hypasis serves at ${server.enode}`);
  check(/^enode:\/\/[0-9a-f]{128}@127\.0\.0\.1:\d+/.test(server.enode), 'the first stdout line is an enode URL',
    server.enode);

  client = await startRlpx({ common: chain.common, clientId: 'ethereumjs-devp2p/10.0.0/interop-client' });
  const head = chain.blocks.length - 1;
  const s = await connectEth(client.rlpx, server.enode, {
    td: new Uint8Array(), bestHash: chain.genesisHash, genesisHash: chain.genesisHash,
  });
  check(equalsBytes(s.status.genesisHash, chain.genesisHash), 'Hypasis announces the genesis ethereumjs computed');
  check(equalsBytes(s.status.bestHash, chain.blocks[head].hash), 'Hypasis announces the last block as its head',
    bytesToHex(s.status.bestHash));
  check(s.eth.getVersion() === 68, 'eth/68 is negotiated with ethereumjs');

  // Every header, in batches of 1024.
  const started = Date.now();
  const headers = [];
  for (let from = 0; from < chain.blocks.length; from += 1024) {
    const n = Math.min(1024, chain.blocks.length - from);
    const got = await s.request(ETH_CODES.GET_BLOCK_HEADERS, ETH_CODES.BLOCK_HEADERS, headersQuery(from, n));
    check(got.length === n, `headers [${from}, ${from + n}): ${n} returned`, `${got.length}`);
    headers.push(...got);
  }
  const headerSecs = (Date.now() - started) / 1000;
  let bad = 0;
  headers.forEach((h, i) => {
    const enc = RLP.encode(h);
    const ok = i < chain.blocks.length && equalsBytes(keccak_256(enc), chain.blocks[i].hash)
      && equalsBytes(enc, RLP.encode(chain.blocks[i].raw[0]));
    if (!ok && bad++ < 5) check(false, `header ${i} matches the ethereumjs chain`);
  });
  check(bad === 0 && headers.length === chain.blocks.length, 'every header hash and byte matches', `${bad} differ`);

  // Every body, in batches of 128; ethereumjs rebuilds each block and checks its tries.
  const bodyStart = Date.now();
  let bodyBad = 0;
  let trieChecks = 0;
  for (let from = 0; from < chain.blocks.length; from += 128) {
    const n = Math.min(128, chain.blocks.length - from);
    const hashes = chain.blocks.slice(from, from + n).map((b) => b.hash);
    const got = await s.request(ETH_CODES.GET_BLOCK_BODIES, ETH_CODES.BLOCK_BODIES, hashes);
    check(got.length === n, `bodies [${from}, ${from + n}): ${n} returned`, `${got.length}`);
    for (let i = 0; i < got.length; i++) {
      const expected = chain.blocks[from + i].raw.slice(1);
      if (!equalsBytes(RLP.encode(got[i]), RLP.encode(expected))) {
        if (bodyBad++ < 5) check(false, `body ${from + i} is byte-identical`);
        continue;
      }
      if (got[i][0].length > 0 || got[i][2]?.length > 0) {
        // ethereumjs's trie builders over the received items (typed transactions are byte strings, legacy ones
        // lists): a Block object would need a KZG library for the blob transactions.
        const header = createBlockHeaderFromBytesArray(headers[from + i], { common: chain.common });
        const txRoot = await genTransactionsTrieRoot(
          got[i][0].map((t) => ({ serialize: () => (t instanceof Uint8Array ? t : RLP.encode(t)) })));
        const wRoot = await genWithdrawalsTrieRoot(got[i][2].map((w) => ({ raw: () => w })));
        if (!equalsBytes(txRoot, header.transactionsTrie) || !equalsBytes(wRoot, header.withdrawalsRoot)) {
          if (bodyBad++ < 5) check(false, `block ${from + i}: its roots do not match its header (ethereumjs tries)`);
        }
        trieChecks++;
      }
    }
  }
  const bodySecs = (Date.now() - bodyStart) / 1000;
  check(bodyBad === 0, 'every body is byte-identical and its tries check', `${bodyBad} bad`);
  check(trieChecks > chain.blocks.length / 3, 'tries were checked on blocks with transactions or withdrawals',
    `${trieChecks}`);
  console.log(`ethereumjs downloaded ${headers.length} headers in ${headerSecs.toFixed(2)} s and the bodies in `
              + `${bodySecs.toFixed(2)} s (${trieChecks} blocks' tries checked)`);

  // Reverse with skip, by hash, and beyond the head.
  const rev = await s.request(ETH_CODES.GET_BLOCK_HEADERS, ETH_CODES.BLOCK_HEADERS, headersQuery(head, 5, 2, true));
  check(rev.length === 5 && rev.every((h, i) => equalsBytes(keccak_256(RLP.encode(h)), chain.blocks[head - 3 * i].hash)),
    'reverse request with skip 2 returns head, head-3, ...');
  const byHash = await s.request(ETH_CODES.GET_BLOCK_HEADERS, ETH_CODES.BLOCK_HEADERS,
    [chain.blocks[5000 % chain.blocks.length].hash, ...headersQuery(0, 3).slice(1)]);
  check(byHash.length === 3 && equalsBytes(keccak_256(RLP.encode(byHash[0])), chain.blocks[5000 % chain.blocks.length].hash),
    'request by hash starts at that block');
  const over = await s.request(ETH_CODES.GET_BLOCK_HEADERS, ETH_CODES.BLOCK_HEADERS, headersQuery(head - 1, 10));
  check(over.length === 2, 'a request past the head returns only what exists', `${over.length}`);
  const unknown = await s.request(ETH_CODES.GET_BLOCK_BODIES, ETH_CODES.BLOCK_BODIES, [hexToBytes(`0x${'ab'.repeat(32)}`)]);
  check(unknown.length === 0, 'bodies of an unknown hash: an empty answer');

  s.disconnect();
  client.rlpx.destroy();
  client = undefined;
  await new Promise((r) => setTimeout(r, 1200));  // let hypasis log the disconnect (it polls every 500 ms)
  const stopped = await stopServer(server);
  const log = server.stderr();
  server = undefined;
  check(stopped.code === 0 && !stopped.killed, 'hypasis run exits 0 on SIGTERM', `${JSON.stringify(stopped)}\n${log}`);
  check(/msg="peer connected" peer=[0-9a-f]{16} direction=inbound .*eth=68 .*client=.*ethereumjs/.test(log),
        'the log names the peer connecting', log);
  check(/msg="peer disconnected" peer=[0-9a-f]{16} /.test(log), 'the log names the peer leaving', log);
  check(/msg=stopped /.test(log), 'the log ends with the stop', log);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  check(false, 'unexpected error', `${e.stack}\n${server?.stderr() ?? ''}`);
} finally {
  if (client) client.rlpx.destroy();
  if (server) await stopServer(server, 2000);
  work.cleanup();
}
const { checks, failures } = summary();
console.log(`${checks - failures}/${checks} checks passed`);
process.exit(failures === 0 ? 0 : 1);
