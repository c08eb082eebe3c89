#!/usr/bin/env node
// eth/69 between two Hypasis instances, through the binary (the chain is ethereumjs's, so its hashes are
// independent of Hypasis).
//
//   node eth69.mjs PATH/TO/hypasis
//
// 1. chain.mjs builds the chain; `hypasis import` stores it; `hypasis export` writes the source chain file back.
// 2. `hypasis run --port 0` serves it. `hypasis p2p ping` gets a discv4 PONG and an RLPx Hello offering eth/69.
// 3. `hypasis p2p status --genesis`: eth/69 with earliest 0, latest = the head, head hash = ethereumjs's last block,
//    compatible; with `--eth 68`: the eth/68 layout (td, no range).
// 4. `hypasis p2p fetch --bodies --out F` over eth/69: F is byte-identical to the export; the same over eth/68.
// 5. A restart of `hypasis run` prints the same enode (the node key persists, mode 0600); a wrong --genesis is
//    refused at start-up.
// Exit: 0 pass; 1 fail; 77 skipped.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { check, deadline, here, hypasis, requireBinary, requirePackages, startServer, stopServer, summary,
  workDir } from './harness.mjs';

const bin = process.argv[2];
requireBinary(bin, 'node eth69.mjs PATH/TO/hypasis');
await requirePackages();
deadline(150000, 'eth69');

const BLOCKS = Number(process.env.HYPASIS_BLOCKS ?? 10000);
const work = workDir('hypasis-interop-eth69-');
const chainDir = join(work.dir, 'chain');
const datadir = join(work.dir, 'data');
const genesis = join(chainDir, 'genesis.json');
let server;
const id = (enode) => enode.replace(/^enode:\/\/([0-9a-f]+)@.*$/, '$1');
try {
  const t0 = Date.now();
  const built = spawnSync(process.execPath, [join(here, 'chain.mjs'), chainDir, '--blocks', String(BLOCKS)],
    { encoding: 'utf8', timeout: 90000 });
  if (built.status !== 0) throw new Error(`chain.mjs failed: ${built.stderr}`);
  const meta = JSON.parse(readFileSync(join(chainDir, 'hashes.json'), 'utf8'));

  check(hypasis(bin, ['import', '--datadir', datadir, '--quiet', join(chainDir, 'chain.rlp')]).status === 0,
    'import exits 0');
  const exported = join(work.dir, 'source.rlp');
  const ex = hypasis(bin, ['export', '--datadir', datadir, '--from', '0', '--to', String(BLOCKS - 1), exported]);
  check(ex.status === 0, 'export exits 0', ex.stderr);

  server = await startServer(bin, ['run', '--datadir', datadir, '--genesis', genesis, '--port', '0',
    '--api-port', '0']);
  const enode = server.enode;
  console.log(`hypasis serves at ${enode}`);
  const mode = statSync(join(datadir, 'nodekey')).mode & 0o777;
  check(mode === 0o600, 'the node key file has mode 0600', mode.toString(8));

  const ping = hypasis(bin, ['p2p', 'ping', enode, '--timeout', '5000'], 30000);
  check(ping.status === 0, 'p2p ping exits 0', ping.stderr);
  check(/discv4: PONG from 127\.0\.0\.1:\d+ in [\d.]+ ms/.test(ping.stdout), 'discv4 PONG with its RTT', ping.stdout);
  check(/rlpx: .*client "hypasis".*eth\/69/.test(ping.stdout), 'RLPx Hello offers eth/69', ping.stdout);

  const st = hypasis(bin, ['p2p', 'status', enode, '--genesis', genesis], 30000);
  check(st.status === 0, 'p2p status exits 0', st.stderr);
  if (st.status === 0) {
    const s = JSON.parse(st.stdout);
    check(s.eth === 69 && s.status.version === 69, 'eth/69 negotiated', st.stdout);
    check(s.status.earliest === 0 && s.status.latest === BLOCKS - 1, 'range [0, head]', st.stdout);
    check(s.status.head === meta.hashes.at(-1), 'head hash is ethereumjs\'s last block', st.stdout);
    check(s.status.genesis === meta.genesisHash && s.status.forkId.hash === meta.forkHash,
      'genesis and fork hash agree with ethereumjs', st.stdout);
    check(s.status.td === undefined && s.compatible === true, 'eth/69 layout, compatible', st.stdout);
  }
  const st68 = hypasis(bin, ['p2p', 'status', enode, '--genesis', genesis, '--eth', '68'], 30000);
  if (check(st68.status === 0, 'p2p status --eth 68 exits 0', st68.stderr)) {
    const s = JSON.parse(st68.stdout);
    check(s.eth === 68 && s.status.td === '0x0' && s.status.latest === undefined, 'eth/68 layout', st68.stdout);
  }

  for (const eth of ['69', '68']) {
    const out = join(work.dir, `fetched-${eth}.rlp`);
    const t = Date.now();
    const f = hypasis(bin, ['p2p', 'fetch', enode, '--from', '0', '--count', String(BLOCKS), '--bodies', '--out', out,
      '--genesis', genesis, '--eth', eth, '--quiet'], 120000);
    console.log(`eth/${eth} fetch: ${((Date.now() - t) / 1000).toFixed(2)} s: ${f.stderr.trim().split('\n').at(-1)}`);
    if (check(f.status === 0, `p2p fetch over eth/${eth} exits 0`, f.stderr)) {
      check(f.stderr.includes(`over eth/${eth}`), `the fetch says eth/${eth}`, f.stderr);
      check(Buffer.compare(readFileSync(out), readFileSync(exported)) === 0,
        `eth/${eth}: the fetched chain file equals the export byte for byte`);
    }
  }
  const noBodies = hypasis(bin, ['p2p', 'fetch', enode, '--count', '5', '--out', join(work.dir, 'x.rlp'),
    '--genesis', genesis]);
  check(noBodies.status === 1 && /--out needs --bodies/.test(noBodies.stderr), '--out without --bodies is refused',
    noBodies.stderr);

  let stopped = await stopServer(server);
  const log = server.stderr();
  server = undefined;
  check(stopped.code === 0 && !stopped.killed, 'hypasis run exits 0 on SIGTERM', `${JSON.stringify(stopped)}\n${log}`);
  const sessions = Number(/msg=stopped sessions=(\d+)/.exec(log)?.[1] ?? 0);
  check(sessions >= 4, 'the stop line counts the tool sessions (status x2, fetch x2)', log);
  check(/msg="peer connected" peer=[0-9a-f]{16} direction=inbound|short sessions came and went/.test(log),
        'the log reports sessions',
    log);

  // A restart keeps the enode; another genesis is refused.
  server = await startServer(bin, ['run', '--datadir', datadir, '--genesis', genesis, '--port', '0',
    '--api-port', '0']);
  check(id(server.enode) === id(enode), 'the enode id is stable across restarts', `${server.enode} vs ${enode}`);
  stopped = await stopServer(server);
  server = undefined;
  check(stopped.code === 0, 'the restarted node stops cleanly');
  const other = JSON.parse(readFileSync(genesis, 'utf8'));
  other.extraData = '0x6f74686572';
  writeFileSync(join(work.dir, 'other.json'), JSON.stringify(other));
  const wrong = hypasis(bin, ['run', '--datadir', datadir, '--genesis', join(work.dir, 'other.json'), '--port', '0',
    '--api-port', '0'],
    30000);
  check(wrong.status === 1 && /holds another chain/.test(wrong.stderr), 'a datadir of another chain is refused',
    wrong.stderr);
  check(wrong.stdout === '', 'nothing on stdout when start-up fails', wrong.stdout);
  console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  check(false, 'unexpected error', `${e.stack}\n${server?.stderr() ?? ''}`);
} finally {
  if (server) await stopServer(server, 2000);
  work.cleanup();
}
const { checks, failures } = summary();
console.log(`${checks - failures}/${checks} checks passed`);
process.exit(failures === 0 ? 0 : 1);
