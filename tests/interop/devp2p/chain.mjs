#!/usr/bin/env node
// A chain built by ethereumjs alone (@ethereumjs/block, tx, common, blockchain, util 10.1.3), for the devp2p interop
// tests: a geth genesis.json with every fork through Cancun active at genesis and none scheduled later (so the
// EIP-2124 fork id is the same at every block), block 0 computed by ethereumjs from that file, then linked blocks
// 1..N-1 with withdrawals in every third block and signed transactions of types 0 (EIP-155), 1 (EIP-2930),
// 2 (EIP-1559) and 3 (EIP-4844, block form: versioned hashes only) in every fourth. Each header's transactions
// root, withdrawals root, ommers hash, blob gas used, base fee (calcNextBaseFee) and excess blob gas
// (calcNextExcessBlobGas) are ethereumjs's own; the state root is the genesis one (nothing is executed) and the
// receipts root that of no receipts. Deterministic: the same seed gives the same bytes (RFC 6979 signatures).
//
// As a script:  node chain.mjs OUTDIR [--blocks N] [--seed S]
//   writes OUTDIR/genesis.json, OUTDIR/chain.rlp (geth-style: block RLPs back to back) and OUTDIR/hashes.json
//   ({genesisHash, forkHash, hashes: [0x… per block]}).
// As a module:  buildChain({blocks, seed}) -> {genesis, genesisHash, forkHash, common, blocks: [{hash, rlp}]}
//               loadChain(dir) -> {genesis, common, blocks: [{hash, rlp, raw}], byHash: Map}
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Block, createBlockHeader, genTransactionsTrieRoot, genWithdrawalsTrieRoot } from '@ethereumjs/block';
import { createBlockchain } from '@ethereumjs/blockchain';
import { createCommonFromGethGenesis, parseGethGenesisState } from '@ethereumjs/common';
import { RLP } from '@ethereumjs/rlp';
import { Blob4844Tx, createAccessList2930Tx, createFeeMarket1559Tx, createLegacyTx } from '@ethereumjs/tx';
import { KECCAK256_RLP, KECCAK256_RLP_ARRAY, bytesToHex, createWithdrawal, hexToBytes } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

export const CHAIN_ID = 0x4879_7032; // "Hyp2": a custom network id, used by no public network

/// The genesis.json both sides load: ethereumjs through createCommonFromGethGenesis, Hypasis through --genesis.
export function genesisJson() {
  return {
    config: {
      chainId: CHAIN_ID,
      homesteadBlock: 0, eip150Block: 0, eip155Block: 0, eip158Block: 0, byzantiumBlock: 0,
      constantinopleBlock: 0, petersburgBlock: 0, istanbulBlock: 0, berlinBlock: 0, londonBlock: 0,
      mergeNetsplitBlock: 0, shanghaiTime: 0, cancunTime: 0,
      terminalTotalDifficulty: 0,
      blobSchedule: { cancun: { target: 3, max: 6, baseFeeUpdateFraction: 3338477 } },
    },
    nonce: '0x0',
    timestamp: '0x67000000',
    extraData: '0x687970617369732d646576703270', // "hypasis-devp2p"
    gasLimit: '0x1c9c380',
    difficulty: '0x0',
    mixHash: '0x0000000000000000000000000000000000000000000000000000000000000000',
    coinbase: '0x0000000000000000000000000000000000000000',
    alloc: {
      '0x0000000000000000000000000000000000001000': { balance: '0xde0b6b3a7640000' },
    },
  };
}

/// A Common for the genesis file, at Cancun, with the fork hashes ethereumjs's devp2p Status needs.
export function commonFor(genesis, genesisHash) {
  const common = createCommonFromGethGenesis(genesis, { chain: 'hypasis-devp2p' });
  common.setHardfork('cancun');
  common.setForkHashes(genesisHash);
  return common;
}

function rng(seed) {
  let state = seed >>> 0 || 1;
  const next32 = () => {  // mulberry32
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  return {
    int: (n) => next32() % n,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next32() & 0xff;
      return out;
    },
  };
}

export async function buildChain({ blocks: count = 10000, seed = 1 } = {}) {
  const rnd = rng(seed);
  const genesis = genesisJson();
  const first = createCommonFromGethGenesis(genesis, { chain: 'hypasis-devp2p' });
  const blockchain = await createBlockchain({
    common: first,
    genesisState: parseGethGenesisState(genesis),
    validateConsensus: false,
    validateBlocks: false,
  });
  const genesisBlock = blockchain.genesisBlock;
  const genesisHash = genesisBlock.hash();
  const common = commonFor(genesis, genesisHash);
  const opts = { common };

  const keys = Array.from({ length: 4 }, (_, i) => {
    const k = new Uint8Array(32);
    k[31] = i + 1;
    k[0] = 0x42;
    return k;
  });
  const nonces = keys.map(() => 0n);
  const chainId = BigInt(CHAIN_ID);
  let withdrawalIndex = 0n;

  const out = [{ hash: genesisHash, rlp: genesisBlock.serialize() }];
  let parent = genesisBlock.header;
  for (let n = 1; n < count; n++) {
    const txs = [];
    if (n % 4 === 1) {
      const baseFee = parent.calcNextBaseFee();
      const fee = baseFee * 2n + 1_000_000_000n;
      for (let kind = 0; kind < 4; kind++) {
        const k = (n + kind) % keys.length;
        const base = { nonce: nonces[k]++, to: bytesToHex(rnd.bytes(20)), value: BigInt(rnd.int(1_000_000)),
                       data: rnd.bytes(rnd.int(100)), gasLimit: 100_000n };
        if (kind === 0) {
          txs.push(createLegacyTx({ ...base, gasPrice: fee }, opts).sign(keys[k]));
        } else if (kind === 1) {
          const accessList = [{ address: bytesToHex(rnd.bytes(20)), storageKeys: [bytesToHex(rnd.bytes(32))] }];
          txs.push(createAccessList2930Tx({ ...base, chainId, gasPrice: fee, accessList }, opts).sign(keys[k]));
        } else if (kind === 2) {
          txs.push(createFeeMarket1559Tx({ ...base, chainId, maxFeePerGas: fee, maxPriorityFeePerGas: 1n },
                                         opts).sign(keys[k]));
        } else {
          const h = rnd.bytes(32);
          h[0] = 0x01;  // VERSIONED_HASH_VERSION_KZG
          const fields = { ...base, chainId, maxFeePerGas: fee, maxPriorityFeePerGas: 1n, maxFeePerBlobGas: 1n << 30n,
                           blobVersionedHashes: [bytesToHex(h)] };
          // tx.sign() insists on a KZG library even without blobs: sign the ethereumjs signing hash with noble.
          const unsigned = new Blob4844Tx(fields, opts);
          const sig = secp256k1.Signature.fromBytes(
            secp256k1.sign(unsigned.getHashedMessageToSign(), keys[k], { prehash: false, format: 'recovered' }),
            'recovered');
          txs.push(new Blob4844Tx({ ...fields, v: BigInt(sig.recovery), r: sig.r, s: sig.s }, opts));
        }
      }
    }
    const withdrawals = n % 3 === 0
      ? Array.from({ length: 1 + rnd.int(4) }, () => createWithdrawal({
          index: withdrawalIndex++, validatorIndex: BigInt(rnd.int(1 << 20)), address: bytesToHex(rnd.bytes(20)),
          amount: BigInt(rnd.int(1 << 30)) }))
      : [];
    const blobGasUsed = 131072n * BigInt(txs.filter((t) => t.type === 3).length);
    const header = createBlockHeader({
      parentHash: parent.hash(),
      uncleHash: KECCAK256_RLP_ARRAY,
      coinbase: rnd.bytes(20),
      stateRoot: genesisBlock.header.stateRoot,
      transactionsTrie: await genTransactionsTrieRoot(txs),
      receiptTrie: KECCAK256_RLP,
      number: BigInt(n),
      gasLimit: parent.gasLimit,
      gasUsed: 21000n * BigInt(txs.length),
      timestamp: parent.timestamp + 12n,
      extraData: rnd.bytes(rnd.int(33)),
      mixHash: rnd.bytes(32),
      baseFeePerGas: parent.calcNextBaseFee(),
      withdrawalsRoot: await genWithdrawalsTrieRoot(withdrawals),
      blobGasUsed,
      excessBlobGas: parent.calcNextExcessBlobGas(common),
      parentBeaconBlockRoot: rnd.bytes(32),
    }, opts);
    const block = new Block(header, txs, [], withdrawals, opts);
    if (txs.length > 0 && !(await block.transactionsTrieIsValid())) throw new Error(`block ${n}: bad txs trie`);
    out.push({ hash: block.hash(), rlp: block.serialize() });
    parent = header;
  }
  return { genesis, genesisHash, forkHash: common.forkHash('cancun'), common, blocks: out };
}

/// Reads what the script wrote: the genesis file, a Common, and each block's hash, RLP and decoded raw arrays.
export function loadChain(dir) {
  const genesis = JSON.parse(readFileSync(join(dir, 'genesis.json'), 'utf8'));
  const meta = JSON.parse(readFileSync(join(dir, 'hashes.json'), 'utf8'));
  const bytes = readFileSync(join(dir, 'chain.rlp'));
  const blocks = [];
  let pos = 0;
  while (pos < bytes.length) {
    const { data, remainder } = RLP.decode(bytes.subarray(pos), true);
    const rlp = bytes.subarray(pos, bytes.length - remainder.length);
    const hash = keccak_256(RLP.encode(data[0]));
    blocks.push({ hash, rlp, raw: data });
    pos += rlp.length;
  }
  if (blocks.length !== meta.hashes.length) throw new Error(`chain.rlp has ${blocks.length} blocks, hashes.json ${meta.hashes.length}`);
  blocks.forEach((b, i) => {
    if (bytesToHex(b.hash) !== meta.hashes[i]) throw new Error(`block ${i}: hash differs from hashes.json`);
  });
  const byHash = new Map(blocks.map((b, i) => [bytesToHex(b.hash), i]));
  const common = commonFor(genesis, hexToBytes(meta.genesisHash));
  return { genesis, common, blocks, byHash, genesisHash: hexToBytes(meta.genesisHash), hashes: meta.hashes };
}

async function main() {
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (!dir) {
    console.error('usage: node chain.mjs OUTDIR [--blocks N] [--seed S]');
    process.exit(2);
  }
  const opt = (name, dflt) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const started = Date.now();
  const chain = await buildChain({ blocks: opt('--blocks', 10000), seed: opt('--seed', 1) });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'genesis.json'), JSON.stringify(chain.genesis, null, 2) + '\n');
  const total = chain.blocks.reduce((s, b) => s + b.rlp.length, 0);
  const file = new Uint8Array(total);
  let pos = 0;
  for (const b of chain.blocks) { file.set(b.rlp, pos); pos += b.rlp.length; }
  writeFileSync(join(dir, 'chain.rlp'), file);
  writeFileSync(join(dir, 'hashes.json'), JSON.stringify({
    genesisHash: bytesToHex(chain.genesisHash), forkHash: chain.forkHash,
    hashes: chain.blocks.map((b) => bytesToHex(b.hash)) }) + '\n');
  console.error(`chain.mjs: ${chain.blocks.length} blocks, ${total} bytes, genesis ${bytesToHex(chain.genesisHash)}, `
                + `fork hash ${chain.forkHash}, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
