// Builds seed corpora for the fuzz targets from the real mainnet blocks in ../shared/fixtures (never copied
// into the project): headers, whole blocks, single transactions and slim receipt lists.
// Usage: node fuzz/seed_corpus.mjs FIXTURES_DIR OUT_DIR
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(path.resolve('tests/interop/package.json'));
const { RLP } = require('@ethereumjs/rlp');

const [fixtures, out] = process.argv.slice(2);
if (!fixtures || !out) {
  console.error('usage: node fuzz/seed_corpus.mjs FIXTURES_DIR OUT_DIR');
  process.exit(2);
}
const dir = path.join(fixtures, 'portal-spec-tests/history/block_data');
if (!fs.existsSync(dir)) {
  console.log(`seed_corpus: ${dir} absent, fuzzing starts from an empty corpus`);
  process.exit(0);
}
// A 32-byte value derived from the input without hashing (seeds only need the right shape).
const keccakFree = (b) => Buffer.concat([b, Buffer.alloc(32)]).subarray(0, 32);
const hex = (s) => Buffer.from(s.replace(/^0x/, ''), 'hex');
for (const t of ['rlp', 'header', 'transaction', 'receipt', 'block', 'eth_message', 'rlpx_handshake', 'rlpx_frame', 'discv4_packet', 'enr']) fs.mkdirSync(path.join(out, t), { recursive: true });
let n = 0;
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
  const fields = {};
  for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
    const m = line.match(/^(\w+):\s*"?(0x[0-9a-fA-F]*)"?/);
    if (m) fields[m[1]] = m[2];
  }
  const header = hex(fields.header);
  const body = RLP.decode(hex(fields.body));
  const block = RLP.encode([RLP.decode(header), ...body]);
  const put = (t, name, bytes) => fs.writeFileSync(path.join(out, t, name), bytes);
  put('header', f, header);
  put('rlp', f, header);
  put('block', f, block);
  put('receipt', f, Buffer.concat([Buffer.from([1]), hex(fields.receipts)]));
  // eth wire messages (first byte: bit 7 = eth/69, bits 0-4 = code), each with an EIP-2481 request id.
  const msg = (first, payload) => Buffer.concat([Buffer.from([first]), payload]);
  put('eth_message', `${f}-headers`, msg(0x04, RLP.encode([7, [RLP.decode(header)]])));
  put('eth_message', `${f}-bodies`, msg(0x06, RLP.encode([7, [body]])));
  put('eth_message', `${f}-receipts69`, msg(0x80 | 0x10, RLP.encode([7, [RLP.decode(hex(fields.receipts))]])));
  put('eth_message', `${f}-getbodies`, msg(0x05, RLP.encode([7, [keccakFree(header)]])));
  body[0].slice(0, 20).forEach((txn, i) => {
    // A typed transaction is a byte string in the body; a legacy one is a list to re-encode.
    put('transaction', `${f}-${i}`, txn instanceof Uint8Array ? txn : RLP.encode(txn));
  });
  n++;
}
// RLPx handshake messages from the EIP-8 vectors.
const eip8 = path.join(fixtures, 'eips/eip-8-vectors.extracted.json');
if (fs.existsSync(eip8)) {
  const v = JSON.parse(fs.readFileSync(eip8, 'utf8'));
  for (const [name, value] of Object.entries(v.packets ?? {})) {
    if (typeof value === 'string' && /^(0x)?[0-9a-fA-F]+$/.test(value.replace(/\s/g, ''))) {
      fs.writeFileSync(path.join(out, 'rlpx_handshake', name), hex(value.replace(/\s/g, '')));
    }
  }
}
console.log(`seed_corpus: seeds from ${n} mainnet blocks in ${out}`);
