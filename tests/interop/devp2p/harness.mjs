// Process plumbing shared by the devp2p interop tests: temp folders, `hypasis` runs with a deadline, a `hypasis run`
// or serve_ethjs.mjs server whose first stdout line is its enode, stopped by pid (SIGTERM, then SIGKILL after a
// grace period), and a check() that counts failures. Everything binds 127.0.0.1 only.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SKIP = 77;
export const here = dirname(fileURLToPath(import.meta.url));

let failures = 0;
let checks = 0;
export function check(cond, what, detail = '') {
  ++checks;
  if (cond) return true;
  ++failures;
  console.error(`FAIL: ${what}${detail ? `\n${detail}` : ''}`);
  return false;
}
export const summary = () => ({ checks, failures });

export function workDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/// Runs `hypasis args` to completion within `timeoutMs`.
export function hypasis(bin, args, timeoutMs = 120000) {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 28 });
  if (r.error) throw new Error(`hypasis ${args.join(' ')}: ${r.error.message}`);
  return r;
}

const children = new Set();

/// Starts a server process whose first stdout line is an enode URL; resolves to {proc, enode, stderr()} once that
/// line arrives (rejects after `timeoutMs` or if the process exits first).
export function startServer(cmd, args, timeoutMs = 30000, opts = {}) {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(proc);
  let err = '';
  let out = '';
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd}: no enode within ${timeoutMs} ms\n${err}`)), timeoutMs);
    proc.once('exit', (code, sig) => {
      children.delete(proc);
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code ?? sig}) before printing its enode\n${err}`));
    });
    proc.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      proc.removeAllListeners('exit');
      proc.once('exit', () => children.delete(proc));
      resolve({ proc, enode: out.slice(0, nl).trim(), stderr: () => err, stdout: () => out });
    });
  });
}

/// Stops a server by pid: SIGTERM, then SIGKILL after `graceMs`. Resolves to {code, signal, killed}.
export function stopServer(server, graceMs = 10000) {
  const { proc } = server;
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      resolve({ code: proc.exitCode, signal: proc.signalCode, killed: false });
      return;
    }
    let killed = false;
    const timer = setTimeout(() => { killed = true; proc.kill('SIGKILL'); }, graceMs);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(proc);
      resolve({ code, signal, killed });
    });
    proc.kill('SIGTERM');
  });
}

/// Kills (by pid) whatever is still running when the test ends, however it ends.
export function killAll() {
  for (const p of children) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
  children.clear();
}
process.on('exit', killAll);

/// Imports the ethereumjs packages, or exits 77 (skipped) with a clear message when they are not installed.
export async function requirePackages() {
  try {
    await import('@ethereumjs/devp2p');
    await import('@ethereumjs/block');
  } catch (e) {
    console.log(`SKIP: ethereumjs packages not installed (run npm ci in tests/interop): ${e.message}`);
    process.exit(SKIP);
  }
}

export function requireBinary(bin, usage) {
  if (!bin) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    console.log(`SKIP: the hypasis binary ${bin} cannot run (${r.error?.message ?? r.stderr}); build it first`);
    process.exit(SKIP);
  }
}

/// A deadline for the whole test: exits 1 with a message (children are killed by the exit hook).
export function deadline(ms, name) {
  setTimeout(() => {
    console.error(`FAIL: ${name} did not finish within ${ms / 1000} s`);
    process.exit(1);
  }, ms).unref();
}
