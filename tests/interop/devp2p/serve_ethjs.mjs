#!/usr/bin/env node
// An @ethereumjs/devp2p node serving a chain written by chain.mjs over eth/68, on 127.0.0.1 with discovery off.
//
//   node serve_ethjs.mjs CHAINDIR [--port P]
//
// Prints its enode URL as the first line of stdout, logs peers on stderr, and on SIGTERM or SIGINT prints what it
// served, calls rlpx.destroy() and exits 0. Used by the interop tests and the benchmark; also handy by hand.
import { bytesToHex } from '@ethereumjs/util';

import { loadChain } from './chain.mjs';
import { serveChain, startRlpx } from './ethjs.mjs';

const args = process.argv.slice(2);
const dir = args[0];
if (!dir) {
  console.error('usage: node serve_ethjs.mjs CHAINDIR [--port P]');
  process.exit(2);
}
const pi = args.indexOf('--port');
const port = pi >= 0 ? Number(args[pi + 1]) : 0;

const chain = loadChain(dir);
const node = await startRlpx({ common: chain.common, port, clientId: 'ethereumjs-devp2p/10.0.0/interop-server' });
const stats = serveChain(node.rlpx, chain, (text) => console.error(`serve_ethjs: ${text}`));
process.stdout.write(`${node.enode}\n`);
console.error(`serve_ethjs: ${chain.blocks.length} blocks, head ${bytesToHex(chain.blocks.at(-1).hash)}`);

function stop(signal) {
  console.error(`serve_ethjs: ${signal}: served ${stats.headersServed} headers in ${stats.headerRequests} requests, `
                + `${stats.bodiesServed} bodies in ${stats.bodyRequests} requests`);
  node.rlpx.destroy();
  setTimeout(() => process.exit(0), 200).unref();
}
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
