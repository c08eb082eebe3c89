#!/usr/bin/env node
// Differential test of `hypasis checkpoint verify` and `hypasis checkpoint sign` against independent libraries:
// ethers (secp256k1 ECDSA) and @noble/curves (BLS12-381, Ethereum's POP ciphersuite; its secp256k1 only to show
// that the high-s variant is a valid signature that only EIP-2's rule refuses).
//
// The checkpoint digest is reimplemented here from docs/checkpoints.md (our own tiny RLP encoder and noble's
// keccak-256), never by asking hypasis. Then:
// 1. checkpoints signed here by ethers and by noble (per-validator and aggregate with a signer bitfield) must be
//    accepted by `hypasis checkpoint verify`, which must print the same digest; below-quorum, tampered, high-s and
//    wrong-bitfield variants must be refused with the right typed reason;
// 2. checkpoints signed by `hypasis checkpoint sign` (ECDSA, BLS per-validator, BLS aggregate) must verify here.
//
// Usage:   node differential.mjs PATH/TO/hypasis
// Env:     HYPASIS_SEED=<uint32>  reproduce a run (the seed is printed first)
// Exit:    0 all matched; 1 any mismatch (each printed); 77 skipped (packages absent).

import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SKIP = 77;
const require = createRequire(import.meta.url);

let ethers, bls12_381, keccak_256, secp256k1;
try {
  ethers = require('ethers'); // CommonJS build, so NODE_PATH also works before it is in the lockfile
  ({ bls12_381 } = await import('@noble/curves/bls12-381.js'));
  ({ keccak_256 } = await import('@noble/hashes/sha3.js'));
  ({ secp256k1 } = await import('@noble/curves/secp256k1.js'));
} catch (e) {
  console.log(`SKIP: ethers or @noble packages not installed (npm ci in tests/interop): ${e.message}`);
  process.exit(SKIP);
}

const hypasis = process.argv[2];
if (!hypasis) {
  console.error('usage: node differential.mjs PATH/TO/hypasis');
  process.exit(2);
}

const DST = 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_'; // noble's default ends in _NUL_: not Ethereum's
const bls = bls12_381.longSignatures; // public keys in G1 (48 bytes), signatures in G2 (96 bytes)
const N = BigInt('0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');

// ---- seeded randomness ----
const seed = process.env.HYPASIS_SEED !== undefined ? Number(process.env.HYPASIS_SEED) >>> 0 : randomInt(2 ** 32);
console.log(`seed=${seed} (reproduce with HYPASIS_SEED=${seed})`);
let state = seed;
function next32() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}
const randBytes = (n) => Uint8Array.from({ length: n }, () => next32() & 0xff);
const hex = (b) => '0x' + Buffer.from(b).toString('hex');
const unhex = (s) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ''), 'hex'));

// ---- the digest, from docs/checkpoints.md ----
function rlpLength(len, offset) {
  if (len < 56) return Uint8Array.of(offset + len);
  const bytes = [];
  for (let x = len; x > 0; x = Math.floor(x / 256)) bytes.unshift(x & 0xff);
  return Uint8Array.of(offset + 55 + bytes.length, ...bytes);
}
function rlpString(b) {
  if (b.length === 1 && b[0] < 0x80) return b;
  return Uint8Array.of(...rlpLength(b.length, 0x80), ...b);
}
function rlpUint(x) {
  const bytes = [];
  for (let v = BigInt(x); v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  return rlpString(Uint8Array.from(bytes));
}
function digestOf(c) {
  const payload = [
    ...rlpUint(c.chainId), ...rlpUint(c.blockNum), ...rlpString(unhex(c.blockHash)), ...rlpString(unhex(c.stateRoot)),
    ...rlpUint(c.timestamp),
  ];
  const list = Uint8Array.of(...rlpLength(payload.length, 0xc0), ...payload);
  const domain = new TextEncoder().encode('hypasis-checkpoint-v1:');
  return keccak_256(Uint8Array.of(...domain, ...list));
}

// ---- running hypasis ----
const dir = mkdtempSync(join(tmpdir(), 'hypasis-ckpt-interop-'));
let failures = 0;
function fail(msg) {
  failures++;
  console.log(`FAIL: ${msg}`);
}
function write(name, obj) {
  const p = join(dir, name);
  writeFileSync(p, typeof obj === 'string' ? obj : JSON.stringify(obj, null, 2));
  return p;
}
function verify(label, checkpoint, set, expect) {
  const r = spawnSync(hypasis, ['checkpoint', 'verify', '--checkpoint', write('c.json', checkpoint), '--validators',
    write('v.json', set), '--json'], { encoding: 'utf8' });
  let out = {};
  try { out = JSON.parse(r.stdout); } catch { /* checked below */ }
  if (expect === 'valid') {
    if (r.status !== 0) return fail(`${label}: exit ${r.status}, expected 0: ${r.stderr.trim()}`);
    const want = hex(digestOf(checkpoint));
    if (out.digest !== want) return fail(`${label}: hypasis digest ${out.digest}, ours ${want}`);
  } else {
    if (r.status !== 1) return fail(`${label}: exit ${r.status}, expected 1 (${expect}): ${r.stderr.trim()}`);
    if (out.error !== expect) return fail(`${label}: reason ${out.error}, expected ${expect}: ${out.message}`);
  }
  console.log(`ok   ${label}: ${expect}`);
}
function run(args) {
  const r = spawnSync(hypasis, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hypasis ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r;
}

const base = {
  chainId: 1 + (next32() % 100000),
  blockNum: next32() * 1024 + (next32() % 1024),
  blockHash: hex(randBytes(32)),
  stateRoot: hex(randBytes(32)),
  timestamp: 1_600_000_000 + (next32() % 200_000_000),
};

try {
  // ---- 1a. ethers signs, hypasis verifies ----
  const wallets = Array.from({ length: 7 }, () => new ethers.Wallet(hex(randBytes(32))));
  const stakes = wallets.map(() => BigInt(1 + (next32() % 1000)) * 10n ** 18n);
  const total = stakes.reduce((a, b) => a + b, 0n);
  const ecdsaSet = {
    chainId: base.chainId, quorum: 'generic',
    validators: wallets.map((w, i) => ({ scheme: 'ecdsa', address: w.address.toLowerCase(), stake: stakes[i].toString() })),
  };
  const digest = digestOf(base);
  const sigOf = (w) => w.signingKey.sign(digest).serialized; // r || s || v (27/28), low s
  // Sign in order until signed × 3 > total × 2 (the generic rule), counting it ourselves in BigInt.
  const signers = [];
  let signed = 0n;
  for (let i = 0; i < wallets.length && !(signed * 3n > total * 2n); i++) {
    signers.push(i);
    signed += stakes[i];
  }
  const ecdsaCkpt = (idx) => ({ ...base, signatures: { ecdsa: idx.map((i) => ({ signer: wallets[i].address, signature: sigOf(wallets[i]) })) } });
  verify('ethers ECDSA quorum', ecdsaCkpt(signers), ecdsaSet, 'valid');
  verify('ethers ECDSA one signer short', ecdsaCkpt(signers.slice(0, -1)), ecdsaSet, 'insufficient-stake');
  verify('ethers ECDSA wrong block hash', { ...ecdsaCkpt(signers), blockHash: hex(randBytes(32)) }, ecdsaSet, 'bad-signature');
  verify('ethers ECDSA wrong chain', { ...ecdsaCkpt(signers), chainId: base.chainId + 1 }, ecdsaSet, 'wrong-chain');
  const highS = ecdsaCkpt(signers);
  {
    const sig = ethers.Signature.from(highS.signatures.ecdsa[0].signature);
    const s = N - BigInt(sig.s);
    const v = sig.v === 27 ? 28 : 27;
    highS.signatures.ecdsa[0].signature = sig.r + s.toString(16).padStart(64, '0') + v.toString(16);
    // The malleated signature is still a valid secp256k1 signature of the same key (noble, low-s not required):
    // only the EIP-2 rule refuses it. (ethers itself refuses to parse it.)
    const compact = unhex(sig.r + s.toString(16).padStart(64, '0'));
    const pub = unhex(wallets[signers[0]].signingKey.publicKey);
    if (!secp256k1.verify(compact, digest, pub, { lowS: false, prehash: false })) fail('high-s: not a valid signature (test is wrong)');
  }
  verify('ethers ECDSA high s', highS, ecdsaSet, 'high-s');

  // ---- 1b. noble signs BLS, hypasis verifies ----
  const blsKeys = Array.from({ length: 9 }, () => bls.keygen(randBytes(48)));
  const blsSet = {
    chainId: base.chainId, quorum: 'eth-sync-committee',
    validators: blsKeys.map((k) => ({ scheme: 'bls', publicKey: hex(k.publicKey.toBytes(true)), stake: '1' })),
  };
  const msg = bls.hash(digest, DST);
  const blsSigs = blsKeys.map((k) => bls.sign(msg, k.secretKey));
  const perValidator = (idx) => ({ ...base, signatures: { bls: idx.map((i) => ({ signer: blsSet.validators[i].publicKey, signature: hex(blsSigs[i].toBytes(true)) })) } });
  const aggregate = (idx, bitsOverride) => {
    const bits = new Uint8Array(Math.ceil(blsKeys.length / 8));
    for (const i of bitsOverride ?? idx) bits[i >> 3] |= 1 << (i & 7);
    const agg = bls.aggregateSignatures(idx.map((i) => blsSigs[i]));
    return { ...base, signatures: { blsAggregate: { signers: hex(bits), signature: hex(agg.toBytes(true)) } } };
  };
  // 9 members: participants × 3 ≥ 18 needs 6.
  verify('noble BLS per-validator 7 of 9', perValidator([0, 1, 2, 3, 4, 5, 8]), blsSet, 'valid');
  verify('noble BLS aggregate 6 of 9', aggregate([1, 2, 4, 5, 7, 8]), blsSet, 'valid');
  verify('noble BLS aggregate 5 of 9', aggregate([1, 2, 4, 5, 7]), blsSet, 'insufficient-signers');
  verify('noble BLS aggregate wrong bitfield', aggregate([1, 2, 4, 5, 7, 8], [0, 2, 4, 5, 7, 8]), blsSet, 'bad-signature');
  {
    const other = bls.sign(bls.hash(digestOf({ ...base, blockNum: base.blockNum + 1 }), DST), blsKeys[3].secretKey);
    const c = perValidator([0, 1, 2, 3, 4, 5]);
    c.signatures.bls[3].signature = hex(other.toBytes(true));
    verify('noble BLS signature over another digest', c, blsSet, 'bad-signature');
  }

  // ---- 2. hypasis signs, ethers and noble verify ----
  const signArgs = (keyFile, extra) => ['checkpoint', 'sign', '--chain-id', String(base.chainId), '--block-num',
    String(base.blockNum), '--block-hash', base.blockHash, '--state-root', base.stateRoot, '--timestamp',
    String(base.timestamp), '--key-file', keyFile, ...extra];

  const ecdsaSecrets = Array.from({ length: 4 }, () => hex(randBytes(32)));
  const ecdsaKeyFile = write('ecdsa.keys', '# test keys\n' + ecdsaSecrets.join('\n') + '\n');
  run(signArgs(ecdsaKeyFile, ['--scheme', 'ecdsa', '--out', join(dir, 'h-ecdsa.json')]));
  const hEcdsa = JSON.parse(readFileSync(join(dir, 'h-ecdsa.json'), 'utf8'));
  const hDigest = digestOf(hEcdsa);
  if (hex(hDigest) !== hex(digest)) fail('hypasis sign changed the signed fields');
  hEcdsa.signatures.ecdsa.forEach((s, i) => {
    const expected = new ethers.Wallet(ecdsaSecrets[i]).address.toLowerCase();
    const recovered = ethers.recoverAddress(hDigest, s.signature).toLowerCase();
    if (s.signer !== expected) fail(`hypasis ECDSA ${i}: signer ${s.signer}, ethers says the key is ${expected}`);
    else if (recovered !== expected) fail(`hypasis ECDSA ${i}: ethers recovers ${recovered}, expected ${expected}`);
    else if (BigInt(ethers.Signature.from(s.signature).s) > N / 2n) fail(`hypasis ECDSA ${i}: high s`);
    else console.log(`ok   hypasis ECDSA signature ${i} verifies in ethers`);
  });

  const blsSecrets = Array.from({ length: 5 }, () => bls.keygen(randBytes(48)).secretKey);
  const blsKeyFile = write('bls.keys', blsSecrets.map(hex).join('\n') + '\n');
  run(signArgs(blsKeyFile, ['--scheme', 'bls', '--out', join(dir, 'h-bls.json')]));
  const hBls = JSON.parse(readFileSync(join(dir, 'h-bls.json'), 'utf8'));
  hBls.signatures.bls.forEach((s, i) => {
    const pk = hex(bls.getPublicKey(blsSecrets[i]).toBytes(true));
    if (s.signer !== pk) fail(`hypasis BLS ${i}: signer ${s.signer}, noble says the key is ${pk}`);
    else if (!bls.verify(unhex(s.signature), bls.hash(digestOf(hBls), DST), unhex(pk))) fail(`hypasis BLS ${i}: noble rejects it`);
    else console.log(`ok   hypasis BLS signature ${i} verifies in noble`);
  });

  run(signArgs(blsKeyFile, ['--scheme', 'bls', '--aggregate', '--out', join(dir, 'h-agg.json'), '--validators-out',
    join(dir, 'h-agg-set.json'), '--quorum', 'eth-sync-committee']));
  const hAgg = JSON.parse(readFileSync(join(dir, 'h-agg.json'), 'utf8'));
  const hAggSet = JSON.parse(readFileSync(join(dir, 'h-agg-set.json'), 'utf8'));
  const bits = unhex(hAgg.signatures.blsAggregate.signers);
  const chosen = hAggSet.validators.filter((_, i) => (bits[i >> 3] >> (i & 7)) & 1).map((v) => unhex(v.publicKey));
  const aggPk = bls.aggregatePublicKeys(chosen);
  if (chosen.length !== blsSecrets.length) fail(`hypasis aggregate: ${chosen.length} bits set, expected ${blsSecrets.length}`);
  else if (!bls.verify(unhex(hAgg.signatures.blsAggregate.signature), bls.hash(digestOf(hAgg), DST), aggPk)) fail('hypasis BLS aggregate: noble rejects it');
  else console.log('ok   hypasis BLS aggregate verifies in noble (FastAggregateVerify)');
  const sorted = hAggSet.validators.map((v) => v.publicKey);
  const nobleKeys = blsSecrets.map((sk) => hex(bls.getPublicKey(sk).toBytes(true)));
  if (JSON.stringify(sorted) !== JSON.stringify(nobleKeys)) fail('hypasis --validators-out keys differ from noble\'s');
} catch (e) {
  fail(e.stack || String(e));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(failures === 0 ? 'all matched' : `${failures} mismatch(es)`);
process.exit(failures === 0 ? 0 : 1);
