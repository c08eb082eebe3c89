#!/usr/bin/env node
// Benchmark (not a test): `hypasis p2p fetch` of the same 10,000-block ethereumjs-built chain from `hypasis run`
// and from serve_ethjs.mjs (@ethereumjs/devp2p), both on 127.0.0.1, in the same run.
//
//   node bench_fetch.mjs PATH/TO/hypasis [--runs 5] [--blocks 10000]
//
// Per run: headers only (verify, no file) from each server, then headers + bodies from each. Prints each run and
// the medians: headers/s per server and their ratio, bodies MB/s (block bytes per second, verified). The rate is
// the one `p2p fetch` reports: from the end of the Status handshake to the last block verified.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { here, hypasis, requireBinary, requirePackages, startServer, stopServer, workDir } from './harness.mjs';

const bin = process.argv[2];
requireBinary(bin, 'node bench_fetch.mjs PATH/TO/hypasis [--runs N] [--blocks N]');
await requirePackages();
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 5);
const BLOCKS = arg('--blocks', 10000);

const work = workDir('hypasis-bench-fetch-');
const chainDir = join(work.dir, 'chain');
const datadir = join(work.dir, 'data');
const genesis = join(chainDir, 'genesis.json');
const servers = [];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function fetch(enode, bodies) {
  const args = ['p2p', 'fetch', enode, '--from', '0', '--count', String(BLOCKS), '--genesis', genesis, '--quiet',
    '--timeout', '30000'];
  if (bodies) args.push('--bodies');
  const r = hypasis(bin, args, 300000);
  if (r.status !== 0) throw new Error(`fetch failed: ${r.stderr}`);
  const m = /(\d+) blocks, ([\d.]+) MB in ([\d.]+) s \((\d+) blocks\/s, ([\d.]+) MB\/s\)/.exec(r.stderr);
  if (!m) throw new Error(`no summary in: ${r.stderr}`);
  return { blocksPerSec: Number(m[4]), mbPerSec: Number(m[5]), secs: Number(m[3]) };
}

try {
  const built = spawnSync(process.execPath, [join(here, 'chain.mjs'), chainDir, '--blocks', String(BLOCKS)],
    { encoding: 'utf8', timeout: 300000 });
  if (built.status !== 0) throw new Error(`chain.mjs failed: ${built.stderr}`);
  console.log(built.stderr.trim());
  if (hypasis(bin, ['import', '--datadir', datadir, '--quiet', join(chainDir, 'chain.rlp')]).status !== 0) {
    throw new Error('import failed');
  }
  const hyp = await startServer(bin, ['run', '--datadir', datadir, '--genesis', genesis, '--port', '0',
    '--no-discovery', '--api-port', '0']);
  servers.push(hyp);
  const ejs = await startServer(process.execPath, [join(here, 'serve_ethjs.mjs'), chainDir]);
  servers.push(ejs);

  const res = { hypH: [], ejsH: [], hypB: [], ejsB: [] };
  fetch(hyp.enode, false);  // warm-up (page cache, JIT)
  fetch(ejs.enode, false);
  for (let i = 0; i < RUNS; i++) {
    const a = fetch(hyp.enode, false);
    const b = fetch(ejs.enode, false);
    const c = fetch(hyp.enode, true);
    const d = fetch(ejs.enode, true);
    res.hypH.push(a.blocksPerSec);
    res.ejsH.push(b.blocksPerSec);
    res.hypB.push(c.mbPerSec);
    res.ejsB.push(d.mbPerSec);
    console.log(`run ${i + 1}: headers/s hypasis ${a.blocksPerSec} ethereumjs ${b.blocksPerSec} | `
                + `bodies MB/s hypasis ${c.mbPerSec} ethereumjs ${d.mbPerSec}`);
  }
  const hH = median(res.hypH);
  const eH = median(res.ejsH);
  console.log(`median of ${RUNS}: headers/s hypasis ${hH}, ethereumjs ${eH}, ratio ${(hH / eH).toFixed(1)}x; `
              + `headers+bodies MB/s hypasis ${median(res.hypB)}, ethereumjs ${median(res.ejsB)}`);
} finally {
  for (const s of servers) await stopServer(s, 3000);
  work.cleanup();
}
