#!/usr/bin/env node
// Differential test of `hypasis block inspect` against ethereumjs (an independent implementation).
//
// Generates a fresh random chain with ethereumjs (@ethereumjs/block, tx, common, util, rlp 10.1.3): blocks under
// London, Shanghai, Cancun and Prague rules, each with signed transactions of every type allowed there (legacy
// with and without EIP-155, EIP-2930, EIP-1559, EIP-4844 with versioned hashes, EIP-7702 with signed
// authorizations), ommers (London), withdrawals, blob gas fields, parent beacon root and requests hash. The
// transactions and withdrawals roots in each header are ethereumjs's own trie roots. The blocks' RLP goes to a
// temp file; `hypasis block inspect` reads it, and every field, hash, root and sender it prints is compared with
// what ethereumjs computes. Then a truncated file, a file with a corrupted RLP length and a file with a corrupted
// transaction byte check the exit codes and messages.
//
// Usage:   node differential.mjs PATH/TO/hypasis
// Env:     HYPASIS_SEED=<uint32>  reproduce a run (the seed is printed first)
//          HYPASIS_BLOCKS=<n>     blocks to generate (default 12, at least 4)
// Exit:    0 all matched; 1 any mismatch (each printed); 77 skipped (node_modules absent).

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SKIP = 77;

let eth;
try {
  const [block, tx, common, util, rlp, sha3, curves] = await Promise.all([
    import('@ethereumjs/block'),
    import('@ethereumjs/tx'),
    import('@ethereumjs/common'),
    import('@ethereumjs/util'),
    import('@ethereumjs/rlp'),
    import('@noble/hashes/sha3.js'),
    import('@noble/curves/secp256k1.js'),
  ]);
  eth = { block, tx, common, util, rlp, keccak: sha3.keccak_256, secp256k1: curves.secp256k1 };
} catch (e) {
  console.log(`SKIP: ethereumjs packages not installed (npm ci in tests/interop): ${e.message}`);
  process.exit(SKIP);
}

const { Block, createBlockHeader, genTransactionsTrieRoot, genWithdrawalsTrieRoot } = eth.block;
const {
  Capability, createAccessList2930Tx, createEOACode7702Tx, createFeeMarket1559Tx, createLegacyTx,
  createLegacyTxFromRLP, Blob4844Tx,
} = eth.tx;
const { Common, Hardfork, Mainnet } = eth.common;
const { Address, bytesToBigInt, bytesToHex, createWithdrawal, eoaCode7702SignAuthorization } = eth.util;
const { RLP } = eth.rlp;

const hypasis = process.argv[2];
if (!hypasis) {
  console.error('usage: node differential.mjs PATH/TO/hypasis');
  process.exit(2);
}

// ---- seeded randomness -----------------------------------------------------------------------------------------

const seed = process.env.HYPASIS_SEED !== undefined ? Number(process.env.HYPASIS_SEED) >>> 0 : randomInt(2 ** 32);
console.log(`seed=${seed} (reproduce with HYPASIS_SEED=${seed})`);

// mulberry32: small, fast, and enough for test data.
let state = seed;
function next32() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const rnd = {
  int: (n) => next32() % n, // [0, n)
  chance: (p) => next32() / 2 ** 32 < p,
  bytes(n) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = next32() & 0xff;
    return out;
  },
  // A value of random bit length in [0, maxBits], so zero, small and full-width values all occur.
  big(maxBits) {
    const bits = rnd.int(maxBits + 1);
    if (bits === 0) return 0n;
    let v = 1n;
    for (let i = 1; i < bits; i++) v = (v << 1n) | BigInt(next32() & 1);
    return v;
  },
  pick: (arr) => arr[rnd.int(arr.length)],
};

const SECP_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
function privateKey() {
  for (;;) {
    const k = rnd.bytes(32);
    const v = bytesToBigInt(k);
    if (v !== 0n && v < SECP_N) return k;
  }
}
const keys = Array.from({ length: 6 }, privateKey);
const MAX_U256 = (1n << 256n) - 1n;

// ---- chain generation ------------------------------------------------------------------------------------------

const commonFor = (hardfork) => new Common({ chain: Mainnet, hardfork });
const forkRank = { london: 0, shanghai: 1, cancun: 2, prague: 3 };

function accessList() {
  const n = rnd.int(3);
  return Array.from({ length: n }, () => ({
    address: bytesToHex(rnd.bytes(20)),
    storageKeys: Array.from({ length: rnd.int(3) }, () => bytesToHex(rnd.bytes(32))),
  }));
}

// Gas and fee caps within ethereumjs's bounds (gasLimit * fee <= 2^256 - 1, maxFee >= tip).
function fees() {
  const gasLimit = 21000n + rnd.big(40);
  let maxFeePerGas = rnd.big(rnd.chance(0.1) ? 200 : 48);
  if (maxFeePerGas * gasLimit > MAX_U256) maxFeePerGas = MAX_U256 / gasLimit;
  const maxPriorityFeePerGas = rnd.chance(0.3) ? maxFeePerGas : rnd.big(48) % (maxFeePerGas + 1n);
  return { gasLimit, maxFeePerGas, maxPriorityFeePerGas };
}

function baseTxFields(canCreate) {
  const to = canCreate && rnd.chance(0.2) ? undefined : bytesToHex(rnd.bytes(20));
  return {
    nonce: rnd.big(63),
    to,
    value: rnd.big(rnd.chance(0.1) ? 256 : 80),
    data: rnd.chance(0.3) ? new Uint8Array() : rnd.bytes(1 + rnd.int(200)),
  };
}

function makeTx(kind, common) {
  const key = rnd.pick(keys);
  const opts = { common };
  switch (kind) {
    case 'legacy-pre155': {
      // Signed under pre-Spurious-Dragon rules (v = 27/28), then read back under the block's rules.
      const f = fees();
      const old = new Common({ chain: Mainnet, hardfork: Hardfork.Homestead });
      const fields = { ...baseTxFields(true), gasLimit: f.gasLimit, gasPrice: f.maxFeePerGas };
      const signed = createLegacyTx(fields, { common: old }).sign(key, false);
      return createLegacyTxFromRLP(signed.serialize(), opts);
    }
    case 'legacy-155': {
      const f = fees();
      const fields = { ...baseTxFields(true), gasLimit: f.gasLimit, gasPrice: f.maxFeePerGas };
      return createLegacyTx(fields, opts).sign(key, false);
    }
    case '2930': {
      const f = fees();
      const fields = {
        ...baseTxFields(true),
        chainId: 1n,
        gasLimit: f.gasLimit,
        gasPrice: f.maxFeePerGas,
        accessList: accessList(),
      };
      return createAccessList2930Tx(fields, opts).sign(key, false);
    }
    case '1559': {
      const fields = { ...baseTxFields(true), chainId: 1n, ...fees(), accessList: accessList() };
      return createFeeMarket1559Tx(fields, opts).sign(key, false);
    }
    case '4844': {
      // The block form: versioned hashes only (no blobs), so no KZG library is needed.
      const hashes = Array.from({ length: 1 + rnd.int(6) }, () => {
        const h = rnd.bytes(32);
        h[0] = 0x01; // VERSIONED_HASH_VERSION_KZG
        return bytesToHex(h);
      });
      const fields = {
        ...baseTxFields(false),
        chainId: 1n,
        ...fees(),
        accessList: accessList(),
        maxFeePerBlobGas: rnd.big(64),
        blobVersionedHashes: hashes,
      };
      // tx.sign() goes through createBlob4844Tx, which demands a KZG library even without blobs; sign the
      // ethereumjs signing hash with noble (what tx.sign does inside) and build the signed tx directly.
      const unsigned = new Blob4844Tx(fields, opts);
      const sig = eth.secp256k1.Signature.fromBytes(
        eth.secp256k1.sign(unsigned.getHashedMessageToSign(), key, { prehash: false, format: 'recovered' }),
        'recovered',
      );
      return new Blob4844Tx({ ...fields, v: BigInt(sig.recovery), r: sig.r, s: sig.s }, opts);
    }
    case '7702': {
      const authorizationList = Array.from({ length: 1 + rnd.int(3) }, () =>
        eoaCode7702SignAuthorization(
          {
            chainId: rnd.chance(0.3) ? '0x0' : '0x1', // 0: valid on any chain (EIP-7702)
            address: bytesToHex(rnd.bytes(20)),
            nonce: `0x${rnd.big(63).toString(16)}`,
          },
          rnd.pick(keys),
        ),
      );
      return createEOACode7702Tx(
        { ...baseTxFields(false), chainId: 1n, ...fees(), accessList: accessList(), authorizationList },
        opts,
      ).sign(key, false);
    }
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

function kindsFor(fork) {
  const kinds = ['legacy-pre155', 'legacy-155', '2930', '1559'];
  if (forkRank[fork] >= forkRank.cancun) kinds.push('4844');
  if (forkRank[fork] >= forkRank.prague) kinds.push('7702');
  return kinds;
}

function keccakOfRlpList(items) {
  return eth.keccak(RLP.encode(items));
}

function randomUncle(number, common) {
  return createBlockHeader(
    {
      parentHash: rnd.bytes(32),
      coinbase: rnd.bytes(20),
      stateRoot: rnd.bytes(32),
      transactionsTrie: rnd.bytes(32),
      receiptTrie: rnd.bytes(32),
      logsBloom: rnd.bytes(256),
      difficulty: 1n + rnd.big(60),
      number: number - 1n - BigInt(rnd.int(5)),
      gasLimit: 5000n + rnd.big(40),
      gasUsed: 0n,
      timestamp: rnd.big(40),
      extraData: rnd.bytes(rnd.int(33)),
      mixHash: rnd.bytes(32),
      nonce: rnd.bytes(8),
      baseFeePerGas: rnd.big(64),
    },
    { common },
  );
}

async function generateChain(count) {
  const forks = ['london', 'shanghai', 'cancun', 'prague'];
  const blocks = [];
  let parentHash = rnd.bytes(32);
  let number = 1000n + rnd.big(24);
  let timestamp = 1_600_000_000n + rnd.big(24);
  for (let i = 0; i < count; i++) {
    // Every fork gets at least one block, in order.
    const fork = forks[Math.min(forks.length - 1, Math.floor((i * forks.length) / count))];
    const common = commonFor(fork);
    const txs = [];
    if (!rnd.chance(0.1)) {
      for (const kind of kindsFor(fork)) txs.push(makeTx(kind, common));
      for (let n = rnd.int(6); n > 0; n--) txs.push(makeTx(rnd.pick(kindsFor(fork)), common));
      txs.sort(() => (rnd.chance(0.5) ? 1 : -1));
    }
    const postMerge = fork !== 'london';
    const uncles = postMerge ? [] : Array.from({ length: rnd.int(3) }, () => randomUncle(number, common));
    const withdrawals = postMerge
      ? Array.from({ length: rnd.int(17) }, () =>
          createWithdrawal({
            index: rnd.big(64),
            validatorIndex: rnd.big(40),
            address: bytesToHex(rnd.bytes(20)),
            amount: rnd.big(64),
          }),
        )
      : undefined;

    const gasLimit = 5000n + rnd.big(40);
    const header = {
      parentHash,
      uncleHash: keccakOfRlpList(uncles.map((u) => u.raw())),
      coinbase: rnd.bytes(20),
      stateRoot: rnd.bytes(32),
      transactionsTrie: await genTransactionsTrieRoot(txs),
      receiptTrie: rnd.bytes(32),
      logsBloom: rnd.bytes(256),
      difficulty: postMerge ? 0n : 1n + rnd.big(64),
      number,
      gasLimit,
      gasUsed: rnd.big(40) % (gasLimit + 1n),
      timestamp,
      extraData: rnd.bytes(rnd.int(33)),
      mixHash: rnd.bytes(32),
      nonce: postMerge ? new Uint8Array(8) : rnd.bytes(8),
      baseFeePerGas: rnd.big(rnd.chance(0.1) ? 256 : 40),
    };
    if (withdrawals) header.withdrawalsRoot = await genWithdrawalsTrieRoot(withdrawals);
    if (forkRank[fork] >= forkRank.cancun) {
      header.blobGasUsed = 131072n * BigInt(rnd.int(10));
      header.excessBlobGas = rnd.big(40);
      header.parentBeaconBlockRoot = rnd.bytes(32);
    }
    if (forkRank[fork] >= forkRank.prague) header.requestsHash = rnd.bytes(32);

    const blockHeader = createBlockHeader(header, { common });
    const block = new Block(blockHeader, txs, uncles, withdrawals, { common });
    // ethereumjs's own view of what it built: the roots it checks must agree with the header we gave it.
    if (!(await block.transactionsTrieIsValid())) throw new Error('ethereumjs: transactions trie invalid');
    if (withdrawals && !(await block.withdrawalsTrieIsValid())) throw new Error('ethereumjs: withdrawals trie invalid');
    if (!block.uncleHashIsValid()) throw new Error('ethereumjs: uncle hash invalid');
    blocks.push({ fork, block, serialized: block.serialize() });
    parentHash = block.hash();
    number += 1n;
    timestamp += 1n + BigInt(rnd.int(24));
  }
  return blocks;
}

// ---- expected JSON (geth's shape) from ethereumjs's objects ------------------------------------------------------

const q = (v) => `0x${BigInt(v).toString(16)}`;
const hex = (b) => bytesToHex(b).toLowerCase();
const addr = (a) => a.toString().toLowerCase();

function expectedTx(tx, block, index) {
  const h = block.header;
  const out = {
    blockHash: hex(block.hash()),
    blockNumber: q(h.number),
    from: addr(tx.getSenderAddress()),
    gas: q(tx.gasLimit),
    hash: hex(tx.hash()),
    input: hex(tx.data),
    nonce: q(tx.nonce),
    to: tx.to === undefined ? null : addr(tx.to),
    transactionIndex: q(index),
    value: q(tx.value),
    type: q(tx.type),
    v: q(tx.v),
    r: q(tx.r),
    s: q(tx.s),
  };
  if (tx.type === 0) {
    out.gasPrice = q(tx.gasPrice);
    if (tx.supports(Capability.EIP155ReplayProtection)) out.chainId = q(tx.common.chainId());
    return out;
  }
  out.chainId = q(tx.chainId);
  out.yParity = q(tx.v);
  out.accessList = tx.accessList.map(([a, keys]) => ({ address: hex(a), storageKeys: keys.map(hex) }));
  if (tx.type === 1) {
    out.gasPrice = q(tx.gasPrice);
    return out;
  }
  out.maxFeePerGas = q(tx.maxFeePerGas);
  out.maxPriorityFeePerGas = q(tx.maxPriorityFeePerGas);
  // EIP-1559 effective price in the block: min(maxFeePerGas, baseFee + maxPriorityFeePerGas).
  const sum = h.baseFeePerGas + tx.maxPriorityFeePerGas;
  out.gasPrice = q(sum < tx.maxFeePerGas ? sum : tx.maxFeePerGas);
  if (tx.type === 3) {
    out.maxFeePerBlobGas = q(tx.maxFeePerBlobGas);
    out.blobVersionedHashes = tx.blobVersionedHashes.map((x) => x.toLowerCase());
  }
  if (tx.type === 4) {
    out.authorizationList = tx.authorizationList.map(([chainId, address, nonce, yParity, r, s]) => ({
      chainId: q(bytesToBigInt(chainId)),
      address: hex(address),
      nonce: q(bytesToBigInt(nonce)),
      yParity: q(bytesToBigInt(yParity)),
      r: q(bytesToBigInt(r)),
      s: q(bytesToBigInt(s)),
    }));
  }
  return out;
}

async function expectedBlock({ block, serialized }) {
  const h = block.header;
  const out = {
    number: q(h.number),
    hash: hex(block.hash()),
    parentHash: hex(h.parentHash),
    nonce: hex(h.nonce),
    mixHash: hex(h.mixHash),
    sha3Uncles: hex(h.uncleHash),
    logsBloom: hex(h.logsBloom),
    stateRoot: hex(h.stateRoot),
    miner: addr(h.coinbase),
    difficulty: q(h.difficulty),
    extraData: hex(h.extraData),
    gasLimit: q(h.gasLimit),
    gasUsed: q(h.gasUsed),
    timestamp: q(h.timestamp),
    transactionsRoot: hex(h.transactionsTrie),
    receiptsRoot: hex(h.receiptTrie),
    size: q(serialized.length),
    uncles: block.uncleHeaders.map((u) => hex(u.hash())),
    transactions: block.transactions.map((tx, i) => expectedTx(tx, block, i)),
  };
  if (h.baseFeePerGas !== undefined) out.baseFeePerGas = q(h.baseFeePerGas);
  if (h.withdrawalsRoot !== undefined) out.withdrawalsRoot = hex(h.withdrawalsRoot);
  if (h.blobGasUsed !== undefined) out.blobGasUsed = q(h.blobGasUsed);
  if (h.excessBlobGas !== undefined) out.excessBlobGas = q(h.excessBlobGas);
  if (h.parentBeaconBlockRoot !== undefined) out.parentBeaconBlockRoot = hex(h.parentBeaconBlockRoot);
  if (h.requestsHash !== undefined) out.requestsHash = hex(h.requestsHash);
  if (block.withdrawals !== undefined) {
    out.withdrawals = block.withdrawals.map((w) => ({
      index: q(w.index),
      validatorIndex: q(w.validatorIndex),
      address: addr(w.address),
      amount: q(w.amount),
    }));
  }
  // The roots as ethereumjs computes them from the body, independently of the header.
  const txRoot = hex(await genTransactionsTrieRoot(block.transactions));
  const wRoot = block.withdrawals ? hex(await genWithdrawalsTrieRoot(block.withdrawals)) : null;
  const ommers = hex(keccakOfRlpList(block.uncleHeaders.map((u) => u.raw())));
  out.checks = {
    ok: true,
    transactionsRoot: { header: out.transactionsRoot, computed: txRoot, ok: true },
    ommersHash: { header: out.sha3Uncles, computed: ommers, ok: true },
    withdrawalsRoot: { header: out.withdrawalsRoot ?? null, computed: wRoot, ok: true },
    senders: { ok: true, failed: [] },
  };
  return out;
}

// ---- comparison ------------------------------------------------------------------------------------------------

const mismatches = [];
function mismatch(path, msg) {
  mismatches.push(`${path}: ${msg}`);
}

// Compares a value we expect with the one hypasis printed: every expected key must be present and equal, and no
// extra key may appear (the shape must be geth's, no more).
function compare(path, want, got) {
  if (want === null || typeof want !== 'object') {
    const g = typeof got === 'string' ? got.toLowerCase() : got;
    if (want !== g) mismatch(path, `want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    return;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return mismatch(path, `want an array, got ${JSON.stringify(got)}`);
    if (want.length !== got.length) return mismatch(path, `want ${want.length} elements, got ${got.length}`);
    want.forEach((w, i) => compare(`${path}[${i}]`, w, got[i]));
    return;
  }
  if (got === null || typeof got !== 'object' || Array.isArray(got)) {
    return mismatch(path, `want an object, got ${JSON.stringify(got)}`);
  }
  for (const k of Object.keys(want)) {
    if (!(k in got)) mismatch(`${path}.${k}`, 'missing');
    else compare(`${path}.${k}`, want[k], got[k]);
  }
  for (const k of Object.keys(got)) {
    if (!(k in want)) mismatch(`${path}.${k}`, `unexpected field ${JSON.stringify(got[k])}`);
  }
}

function run(args, input) {
  const r = spawnSync(hypasis, ['block', 'inspect', ...args], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

function parseNdjson(text, path) {
  const lines = text.split('\n').filter((l) => l.length > 0);
  return lines.map((l, i) => {
    try {
      return JSON.parse(l);
    } catch (e) {
      mismatch(`${path} line ${i}`, `not JSON: ${e.message}`);
      return null;
    }
  });
}

// Offset of each block in the concatenated file.
function offsets(blocks) {
  const out = [];
  let at = 0;
  for (const b of blocks) {
    out.push(at);
    at += b.serialized.length;
  }
  return out;
}

function forkSummary(blocks) {
  const counts = new Map();
  for (const b of blocks) counts.set(b.fork, (counts.get(b.fork) ?? 0) + 1);
  return [...counts].map(([fork, n]) => `${fork} x${n}`).join(', ');
}

function concat(parts) {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

// ---- main --------------------------------------------------------------------------------------------------------

const count = Math.max(4, Number(process.env.HYPASIS_BLOCKS ?? 12));
const dir = mkdtempSync(join(tmpdir(), 'hypasis-inspect-'));
let checksRun = 0;
try {
  const blocks = await generateChain(count);
  const file = join(dir, 'chain.rlp');
  const chainBytes = concat(blocks.map((b) => b.serialized));
  writeFileSync(file, chainBytes);
  const txTypes = new Set(blocks.flatMap((b) => b.block.transactions.map((t) => t.type)));
  const txCount = blocks.reduce((n, b) => n + b.block.transactions.length, 0);
  const uncleCount = blocks.reduce((n, b) => n + b.block.uncleHeaders.length, 0);
  const withdrawalCount = blocks.reduce((n, b) => n + (b.block.withdrawals?.length ?? 0), 0);
  const creations = blocks.reduce((n, b) => n + b.block.transactions.filter((t) => t.to === undefined).length, 0);
  console.log(`generated ${blocks.length} blocks (${forkSummary(blocks)}), ${txCount} transactions ` +
    `of types ${[...txTypes].sort().join(',')} (${creations} creations), ${uncleCount} ommers, ` +
    `${withdrawalCount} withdrawals, ${chainBytes.length} bytes (keccak ${hex(eth.keccak(chainBytes)).slice(0, 18)})`);

  // 1. Every field of every block.
  const r = run(['--ndjson', '--strict', file]);
  checksRun++;
  if (r.status !== 0) mismatch('chain', `exit ${r.status}, stderr: ${r.stderr}`);
  const got = parseNdjson(r.stdout, 'chain');
  if (got.length !== blocks.length) mismatch('chain', `want ${blocks.length} blocks, got ${got.length}`);
  for (let i = 0; i < Math.min(got.length, blocks.length); i++) {
    compare(`block[${i}]`, await expectedBlock(blocks[i]), got[i]);
  }

  // 2. The default framing: several blocks make a JSON array equal to the lines; stdin with one block, an object.
  const arr = run([file]);
  checksRun++;
  try {
    const parsed = JSON.parse(arr.stdout);
    if (!Array.isArray(parsed)) mismatch('array output', 'not an array');
    else compare('array output', got, parsed);
  } catch (e) {
    mismatch('array output', `not JSON: ${e.message}`);
  }
  const one = run(['-'], Buffer.from(blocks[0].serialized));
  checksRun++;
  try {
    const parsed = JSON.parse(one.stdout);
    if (Array.isArray(parsed)) mismatch('single block', 'an array, want one object');
    else compare('single block', got[0], parsed);
  } catch (e) {
    mismatch('single block', `not JSON: ${e.message}`);
  }

  const at = offsets(blocks);
  const last = blocks.length - 1;

  // 3. Truncated inside the last block: exit 1 naming the block and its offset; earlier blocks still printed.
  const truncated = join(dir, 'truncated.rlp');
  writeFileSync(truncated, chainBytes.subarray(0, at[last] + Math.floor(blocks[last].serialized.length / 2)));
  const t = run(['--ndjson', truncated]);
  checksRun++;
  const wantT = `hypasis: block inspect: ${truncated}: block #${last} at byte ${at[last]}: input too short\n`;
  if (t.status !== 1) mismatch('truncated', `exit ${t.status}, want 1`);
  if (t.stderr !== wantT) mismatch('truncated', `stderr ${JSON.stringify(t.stderr)}, want ${JSON.stringify(wantT)}`);
  if (parseNdjson(t.stdout, 'truncated').length !== last) mismatch('truncated', `want ${last} blocks before the error`);

  // 4. A corrupted RLP length: the parentHash string prefix 0xa0 (32 bytes) of block k becomes 0xa1 (33 bytes).
  const k = 1 + rnd.int(blocks.length - 1);
  const bad = Buffer.from(chainBytes);
  const listHeader = (b) => (b < 0xf8 ? 1 : 1 + (b - 0xf7));
  const parentPrefix = at[k] + listHeader(bad[at[k]]) + listHeader(bad[at[k] + listHeader(bad[at[k]])]);
  if (bad[parentPrefix] !== 0xa0) throw new Error(`test bug: no parentHash prefix at ${parentPrefix}`);
  bad[parentPrefix] = 0xa1;
  const corrupt = join(dir, 'corrupt-length.rlp');
  writeFileSync(corrupt, bad);
  const c = run(['--ndjson', corrupt]);
  checksRun++;
  const wantC = `hypasis: block inspect: ${corrupt}: block #${k} at byte ${at[k]}: unexpected length\n`;
  if (c.status !== 1) mismatch('corrupt length', `exit ${c.status}, want 1`);
  if (c.stderr !== wantC) {
    mismatch('corrupt length', `stderr ${JSON.stringify(c.stderr)}, want ${JSON.stringify(wantC)}`);
  }

  // 5. A corrupted transaction byte (the last byte of its s): the block still decodes, but its transactions root
  //    no longer matches the header: exit 0 without --strict, 2 with it.
  const withTx = blocks.findIndex((b) => b.block.transactions.length > 0);
  if (withTx >= 0) {
    const txBytes = Buffer.from(blocks[withTx].block.transactions[0].serialize());
    const pos = at[withTx] + Buffer.from(blocks[withTx].serialized).indexOf(txBytes) + txBytes.length - 1;
    const flipped = Buffer.from(chainBytes);
    flipped[pos] ^= 0x01;
    const corruptTx = join(dir, 'corrupt-tx.rlp');
    writeFileSync(corruptTx, flipped);
    const lax = run(['--ndjson', corruptTx]);
    const strict = run(['--ndjson', '--strict', corruptTx]);
    checksRun += 2;
    if (lax.status !== 0) mismatch('corrupt tx', `exit ${lax.status} without --strict, want 0`);
    if (strict.status !== 2) mismatch('corrupt tx', `exit ${strict.status} with --strict, want 2`);
    const doc = parseNdjson(lax.stdout, 'corrupt tx')[withTx];
    const original = hex(blocks[withTx].block.transactions[0].hash());
    if (!doc) {
      mismatch('corrupt tx', 'block missing from the output');
    } else {
      if (doc.checks.ok !== false || doc.checks.transactionsRoot.ok !== false) {
        mismatch('corrupt tx', `checks still ok: ${JSON.stringify(doc.checks)}`);
      }
      if (doc.checks.transactionsRoot.header !== hex(blocks[withTx].block.header.transactionsTrie)) {
        mismatch('corrupt tx', 'header root changed');
      }
      if (doc.transactions[0].hash === original) mismatch('corrupt tx', 'transaction hash unchanged');
      const sender = addr(blocks[withTx].block.transactions[0].getSenderAddress());
      const failed = doc.checks.senders.failed.some((f) => f.index === 0);
      if (!failed && doc.transactions[0].from === sender) mismatch('corrupt tx', 'sender unchanged by a new s');
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

for (const m of mismatches) console.log(`MISMATCH ${m}`);
console.log(`block inspect differential (seed ${seed}): ${checksRun} runs of hypasis, ${mismatches.length} mismatches`);
process.exit(mismatches.length === 0 ? 0 : 1);
