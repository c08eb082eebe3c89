#!/usr/bin/env node
// Independent genesis-block check: computes the genesis block of geth genesis.json files with ethereumjs
// (createCommonFromGethGenesis + createBlockchain with parseGethGenesisState) and prints one line per file:
//
//   <file name> <genesis hash> <state root>
//
// Usage:
//   node genesis_check.mjs [--write-expected] [file.json ...]
//
// Without file arguments it checks every *.json file in this folder except expected.json. With
// --write-expected it also writes expected.json in this folder ({"<file name>": {"hash", "stateRoot"}}), the
// reference that core_chain_test compares Hypasis against. Nothing here talks to the network.
//
// As a module it exports genesisOf(path) -> {hash, stateRoot} (used by compare.mjs); importing it runs nothing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createBlockchain } from '@ethereumjs/blockchain';
import { createCommonFromGethGenesis, parseGethGenesisState } from '@ethereumjs/common';
import { bytesToHex } from '@ethereumjs/util';

const here = dirname(fileURLToPath(import.meta.url));

/// The genesis block hash and state root ethereumjs computes for the geth genesis.json at `path`, as 0x hex.
export async function genesisOf(path) {
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const common = createCommonFromGethGenesis(json, { chain: basename(path, '.json') });
  const blockchain = await createBlockchain({
    common,
    genesisState: parseGethGenesisState(json),
    validateConsensus: false,
    validateBlocks: false,
  });
  const header = blockchain.genesisBlock.header;
  return { hash: bytesToHex(blockchain.genesisBlock.hash()), stateRoot: bytesToHex(header.stateRoot) };
}

async function main() {
  const args = process.argv.slice(2);
  const write = args.includes('--write-expected');
  let files = args.filter((a) => a !== '--write-expected');
  if (files.length === 0) {
    files = readdirSync(here)
      .filter((f) => f.endsWith('.json') && f !== 'expected.json')
      .sort()
      .map((f) => join(here, f));
  }
  const expected = {};
  let failures = 0;
  for (const file of files) {
    try {
      const r = await genesisOf(file);
      expected[basename(file)] = r;
      console.log(`${basename(file)} ${r.hash} ${r.stateRoot}`);
    } catch (e) {
      failures++;
      console.error(`${basename(file)} ERROR ${e.message}`);
    }
  }
  if (write) {
    writeFileSync(join(here, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
    console.error(`wrote ${join(here, 'expected.json')}`);
  }
  process.exitCode = failures === 0 ? 0 : 1;
}

// Run only as a script, not when imported.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
