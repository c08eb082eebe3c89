// SSZ cross-check of the light-client containers against @lodestar/types (an independent implementation).
//
// For each fork and container, random instances are built from lodestar's own type tree, and lodestar gives each
// one's hash_tree_root, SSZ bytes and Beacon API JSON. `hypasis checkpoint beacon-ssz` then parses the JSON and
// decodes the SSZ; its roots of both, and its re-encoding of the JSON, must equal lodestar's exactly.
//
// Usage: node roots.mjs path/to/hypasis [instances-per-type]   (HYPASIS_SEED=n reproduces a run)
// Exit 0 when all agree, 1 on a mismatch, 77 (skipped) when @lodestar/types is not installed. The packages come
// from tests/interop/node_modules (`npm ci`), or from $HYPASIS_LODESTAR_PREFIX/node_modules.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

async function loadLodestar() {
  try {
    return await import("@lodestar/types");
  } catch {
    const prefix = process.env.HYPASIS_LODESTAR_PREFIX;
    if (!prefix) return null;
    try {
      return await import(pathToFileURL(path.join(prefix, "node_modules/@lodestar/types/lib/index.js")).href);
    } catch {
      return null;
    }
  }
}

const hypasis = process.argv[2];
const perType = Number(process.argv[3] ?? 12);
if (!hypasis) {
  console.error("usage: node roots.mjs path/to/hypasis [instances-per-type]");
  process.exit(2);
}
const lodestar = await loadLodestar();
if (!lodestar) {
  console.log("skipped: @lodestar/types is not installed (npm ci in tests/interop)");
  process.exit(77);
}
const { ssz } = lodestar;

// A small seeded PRNG (xorshift32), so that a failing run can be reproduced with HYPASIS_SEED.
let seed = Number(process.env.HYPASIS_SEED ?? (Date.now() % 2 ** 31)) >>> 0 || 1;
console.log(`seed ${seed}`);
function next() {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
}
const randInt = (n) => next() % n;
function randBytes(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = next() & 0xff;
  return b;
}

// A random value of any lodestar type used by these containers. Edge values (zero, all-ones) come up often.
function rand(type) {
  const kind = type.constructor.name;
  if (type.fields) {
    const o = {};
    for (const [k, t] of Object.entries(type.fields)) o[k] = rand(t);
    return o;
  }
  switch (kind) {
    case "ByteVectorType":
    case "ExecutionAddressType":  // a ByteVectorType of 20 with a checksummed JSON form
      return randBytes(type.lengthBytes);
    case "ByteListType":
      return randBytes(randInt(4) === 0 ? type.limitBytes : randInt(type.limitBytes + 1));
    case "UintNumberType": {
      const r = randInt(8);
      if (r === 0) return 0;
      if (r === 1) return Number.MAX_SAFE_INTEGER;
      return next() * 2 ** 21 + (next() & 0x1fffff);
    }
    case "UintBigintType": {
      let x = 0n;
      for (const b of randBytes(type.byteLength)) x = (x << 8n) | BigInt(b);
      return randInt(6) === 0 ? 0n : x;
    }
    case "BitVectorType": {
      const bits = type.defaultValue();
      const density = randInt(4);  // 0: empty, 3: full, else random
      for (let i = 0; i < type.lengthBits; i++) bits.set(i, density === 3 || (density !== 0 && (next() & 1) === 1));
      return bits;
    }
    case "VectorCompositeType":
      return Array.from({ length: type.length }, () => rand(type.elementType));
    case "VectorBasicType":
      return Array.from({ length: type.length }, () => rand(type.elementType));
    default:
      throw new Error(`no generator for ${kind}`);
  }
}

const hex = (b) => "0x" + Buffer.from(b).toString("hex");

// [hypasis --type, hypasis --fork, lodestar type]
const cases = [["BeaconBlockHeader", "altair", ssz.phase0.BeaconBlockHeader]];
for (const fork of ["altair", "bellatrix", "capella", "deneb", "electra", "fulu"]) {
  // Bellatrix has no light-client types of its own: its forms are Altair's.
  const t = ssz[fork === "bellatrix" ? "altair" : fork];
  if (fork === "altair") {
    cases.push(["SyncCommittee", fork, t.SyncCommittee], ["SyncAggregate", fork, t.SyncAggregate]);
  }
  if (["capella", "deneb", "electra", "fulu"].includes(fork)) {
    cases.push(["ExecutionPayloadHeader", fork, t.ExecutionPayloadHeader]);
  }
  for (const name of ["LightClientHeader", "LightClientBootstrap", "LightClientUpdate", "LightClientFinalityUpdate",
                      "LightClientOptimisticUpdate"]) {
    cases.push([name, fork, t[name]]);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "hypasis-ssz-"));
let failures = 0;
let compared = 0;
try {
  for (const [name, fork, type] of cases) {
    const items = [];
    const expected = [];
    for (let i = 0; i < perType; i++) {
      const value = rand(type);  // a fresh object each time: lodestar caches roots on objects it has hashed
      const bytes = type.serialize(value);
      items.push({ json: type.toJson(value), ssz: hex(bytes) });
      expected.push({ root: hex(type.hashTreeRoot(value)), ssz: hex(bytes) });
    }
    const file = path.join(dir, `${fork}-${name}.json`);
    writeFileSync(file, JSON.stringify(items));
    const run = spawnSync(hypasis, ["checkpoint", "beacon-ssz", "--type", name, "--fork", fork, "--input", file],
                          { encoding: "utf8", maxBuffer: 1 << 28 });
    if (run.status !== 0) {
      console.error(`FAIL ${fork} ${name}: hypasis exited ${run.status}: ${run.stderr}`);
      failures++;
      continue;
    }
    const got = JSON.parse(run.stdout);
    for (let i = 0; i < perType; i++) {
      const g = got[i];
      const e = expected[i];
      compared++;
      if (g.error || g.jsonRoot !== e.root || g.sszRoot !== e.root || g.jsonSsz !== e.ssz) {
        failures++;
        console.error(`FAIL ${fork} ${name} #${i}: ${g.error ?? ""}\n  lodestar root ${e.root}\n  from json     ${g.jsonRoot}` +
                      `\n  from ssz      ${g.sszRoot}\n  ssz equal     ${g.jsonSsz === e.ssz}`);
      }
    }
    // The roots of distinct random instances must differ, or the comparison above would prove nothing.
    if (new Set(expected.map((e) => e.root)).size < Math.min(perType, 2)) {
      failures++;
      console.error(`FAIL ${fork} ${name}: random instances share a root`);
    }
    console.log(`ok   ${fork.padEnd(9)} ${name.padEnd(28)} ${perType} instances`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${compared} instances compared, ${failures} failures`);
process.exit(failures === 0 ? 0 : 1);
