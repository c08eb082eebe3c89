// The ethereumjs side of the devp2p interop tests (@ethereumjs/devp2p 10.0.0): an RLPx node on 127.0.0.1 with
// discovery off (dpt: null) speaking eth/68 only, as a server of a chain (serveChain) or as a downloading client
// (connectEth + request). ethereumjs does not track EIP-2481 request ids: every request and response here builds
// `[reqId, ...]` itself.
import { createServer } from 'node:net';

import { DISCONNECT_REASON, ETH, RLPx } from '@ethereumjs/devp2p';
import { RLP } from '@ethereumjs/rlp';
import { bigIntToBytes, bytesToBigInt, bytesToHex, bytesToInt, hexToBytes } from '@ethereumjs/util';
import { secp256k1 } from '@noble/curves/secp256k1.js';

export const ETH_CODES = { STATUS: 0, GET_BLOCK_HEADERS: 3, BLOCK_HEADERS: 4, GET_BLOCK_BODIES: 5, BLOCK_BODIES: 6,
  GET_RECEIPTS: 0x0f, RECEIPTS: 0x10 };

/// A free TCP port on 127.0.0.1 (bound and released; the caller binds it right after).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/// Starts an RLPx node (eth/68, no discovery) listening on 127.0.0.1:port (0: any). Resolves to
/// {rlpx, port, enode, id}. `clientId` names it in Hello.
export async function startRlpx({ common, port = 0, maxPeers = 10, clientId = 'ethereumjs-devp2p/interop' }) {
  const key = secp256k1.utils.randomSecretKey();
  const rlpx = new RLPx(key, {
    dpt: null,
    maxPeers,
    capabilities: [ETH.eth68],
    common,
    listenPort: null,
    clientId: new TextEncoder().encode(clientId),
  });
  rlpx.events.on('error', (e) => console.error(`ethereumjs rlpx error: ${e.message}`));
  await new Promise((resolve, reject) => {
    rlpx.events.once('listening', resolve);
    rlpx.events.once('error', reject);
    rlpx.listen(port, '127.0.0.1');
  });
  const bound = rlpx._server.address().port;
  const id = bytesToHex(rlpx.id).slice(2);
  return { rlpx, port: bound, id, enode: `enode://${id}@127.0.0.1:${bound}` };
}

/// Parses enode://<id>@<ip>:<port> into what RLPx.connect wants.
export function parseEnode(url) {
  const m = /^enode:\/\/([0-9a-f]{128})@([0-9.]+):(\d+)/.exec(url);
  if (!m) throw new Error(`not an enode URL: ${url}`);
  return { id: hexToBytes(`0x${m[1]}`), address: m[2], tcpPort: Number(m[3]) };
}

const num = (b) => (b.length === 0 ? 0 : bytesToInt(b));
/// A canonical RLP integer (ethereumjs's intToBytes(0) is [0x00], which strict decoders reject).
export const uint = (n) => (Number(n) === 0 ? new Uint8Array() : bigIntToBytes(BigInt(n)));

/// Serves `chain` (loadChain's result) to every peer that connects: Status at the chain's head, then
/// GetBlockHeaders (by number or hash, skip, reverse; at most 1024), GetBlockBodies (at most 1024; unknown hashes
/// skipped). Receipts are not served (the chain has none). Calls onEvent(text) on connects and disconnects.
export function serveChain(rlpx, chain, onEvent = () => {}) {
  const headers = chain.blocks.map((b) => b.raw[0]);
  const bodies = chain.blocks.map((b) => b.raw.slice(1));
  const head = chain.blocks.length - 1;
  const stats = { headerRequests: 0, bodyRequests: 0, headersServed: 0, bodiesServed: 0 };

  rlpx.events.on('peer:added', (peer) => {
    const eth = peer.getProtocols()[0];
    const who = bytesToHex(peer.getId()).slice(2, 18);
    const hello = peer.getHelloMessage();
    onEvent(`peer ${who} connected (${typeof hello?.clientId === 'string' ? hello.clientId : '?'})`);
    eth.events.on('status', () => onEvent(`peer ${who} status ok`));
    eth.events.on('message', (code, payload) => {
      if (code === ETH_CODES.GET_BLOCK_HEADERS) {
        const [reqId, [origin, amountB, skipB, reverseB]] = payload;
        let start = origin.length === 32 ? chain.byHash.get(bytesToHex(origin)) : num(origin);
        const amount = Math.min(num(amountB), 1024);
        const step = (num(skipB) + 1) * (num(reverseB) ? -1 : 1);
        const out = [];
        for (let i = 0; start !== undefined && i < amount; i++, start += step) {
          if (start < 0 || start > head) break;
          out.push(headers[start]);
        }
        stats.headerRequests++;
        stats.headersServed += out.length;
        eth.sendMessage(ETH_CODES.BLOCK_HEADERS, [reqId, out]);
      } else if (code === ETH_CODES.GET_BLOCK_BODIES) {
        const [reqId, hashes] = payload;
        const out = [];
        for (const h of hashes.slice(0, 1024)) {
          const i = chain.byHash.get(bytesToHex(h));
          if (i !== undefined) out.push(bodies[i]);
        }
        stats.bodyRequests++;
        stats.bodiesServed += out.length;
        eth.sendMessage(ETH_CODES.BLOCK_BODIES, [reqId, out]);
      }
    });
    eth.sendStatus({
      td: new Uint8Array(),
      bestHash: chain.blocks[head].hash,
      genesisHash: chain.genesisHash,
      latestBlock: uint(head),
    });
  });
  rlpx.events.on('peer:removed', (peer, reason) => {
    const who = peer.getId() ? bytesToHex(peer.getId()).slice(2, 18) : '?';
    onEvent(`peer ${who} disconnected (reason ${reason})`);
  });
  rlpx.events.on('peer:error', (peer, err) => onEvent(`peer error: ${err.message}`));
  return stats;
}

/// Dials `enode` and completes the eth/68 Status exchange within `timeoutMs`. Resolves to {peer, eth, status,
/// request(code, respCode, body) -> Promise<payload after reqId>}. `ourStatus` is what we announce.
export async function connectEth(rlpx, enode, ourStatus, timeoutMs = 10000) {
  const target = parseEnode(enode);
  const added = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no RLPx session with ${enode} within ${timeoutMs} ms`)), timeoutMs);
    rlpx.events.once('peer:added', (peer) => { clearTimeout(timer); resolve(peer); });
    rlpx.events.once('peer:error', (_p, err) => { clearTimeout(timer); reject(err); });
  });
  await rlpx.connect(target);
  const peer = await added;
  const eth = peer.getProtocols()[0];
  const status = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Status from ${enode} within ${timeoutMs} ms`)), timeoutMs);
    eth.events.once('status', (s) => { clearTimeout(timer); resolve(s); });
  });
  eth.sendStatus(ourStatus);
  const remote = await status;

  let nextId = 1n;
  const pending = new Map();
  eth.events.on('message', (code, payload) => {
    const id = bytesToBigInt(payload[0]);
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    if (code !== p.respCode) p.reject(new Error(`request ${id}: answer with code ${code}, expected ${p.respCode}`));
    else p.resolve(payload[1]);
  });
  const request = (code, respCode, body, ms = timeoutMs) => new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`request ${id} (code ${code}) timed out after ${ms} ms`));
    }, ms);
    pending.set(id, { resolve, reject, respCode, timer });
    eth.sendMessage(code, [bigIntToBytes(id), body]);
  });
  return { peer, eth, status: remote, request, disconnect: () => peer.disconnect(DISCONNECT_REASON.CLIENT_QUITTING) };
}

/// GetBlockHeaders by number: [origin, amount, skip, reverse] in ethereumjs's byte form.
export function headersQuery(origin, amount, skip = 0, reverse = false) {
  return [uint(origin), uint(amount), uint(skip), uint(reverse ? 1 : 0)];
}

export { RLP };
