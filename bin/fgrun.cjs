#!/bin/sh
':' //; exec node -- "$0" "$@"
// The line above runs under sh (a no-op string in JavaScript): it starts Node with `--` before this
// file, because Node 20 takes `--env-file` for itself anywhere before a `--`, even after the
// script's name, and exits 9 on a missing file before fgrun runs (docs/cli.md).
//
// The CLI is one CommonJS bundle, dist/cli-bundle/fgrun.cjs (scripts/bundle-cli.mjs), run here with
// V8's code cache: compiling its 0.7 MB was ~40-60 ms of every command's start, reading the cache a
// few (docs/performance.md). CommonJS, this file too, because Node 20 caches no ES module's code
// and starting its ES module loader for the entry alone cost ~10-20 ms more. The cache is V8's own
// (vm.Script cachedData): one file per bundle build (size and mtime), Node version and command, under
// $XDG_CACHE_HOME/fgrun (default ~/.cache/fgrun, the interpreters' cache beside it), written at exit
// when missing or rejected, whole or not at all (a temporary file renamed over), and the files of
// earlier builds then removed. Per command, because a cache holds the functions its first run
// compiled: with one file for all, `fgrun --help` run first left `invoke` compiling its own
// functions on every run (~20 ms of its start, docs/performance.md). Each name starts with a hash of
// the bundle's path, so that two installs (a global one and a project's) do not remove each other's
// caches at every run. No cache folder, none writable, or FGRUN_CODE_CACHE=off: the bundle simply
// compiles.
'use strict';
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, isAbsolute, join } = require('node:path');
const { constants, Script } = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'cli-bundle', 'fgrun.cjs');
const CACHE_NAME = /^cli-.*\.v8$/;
/** The caches named before they were per install: `cli-v20...`, removed as any other build's. */
const UNSCOPED_NAME = /^cli-v\d/;

// FNV-1a of the bundle's path, 8 hex digits: which install a cache belongs to (no crypto module to load).
function installKey() {
  let hash = 0x811c9dc5;
  for (let i = 0; i < BUNDLE.length; i++) hash = Math.imul(hash ^ BUNDLE.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

// The cache's name for a command line: its command (`invoke`), `-help` added for a help request,
// `main` when it names none (`fgrun --help`, `fgrun --version`).
function commandKey(args) {
  const command = args[0] !== undefined && /^[a-z][a-z-]{0,19}$/.test(args[0]) ? args[0] : 'main';
  return args.includes('--help') || args.includes('-h') ? `${command}-help` : command;
}

// The code cache file for this bundle build, this Node and this command, or null.
function cacheFile(env, args) {
  if (env.FGRUN_CODE_CACHE === 'off') return null;
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME;
  const folder = xdg && isAbsolute(xdg) ? join(xdg, 'fgrun') : home && isAbsolute(home) ? join(home, '.cache', 'fgrun') : null;
  if (folder === null) return null;
  const stamp = statSync(BUNDLE);
  return join(folder, `${buildPrefix(stamp)}${commandKey(args)}.v8`);
}

// What every cache file of this install, this bundle build and this Node starts with.
function buildPrefix(stamp) {
  return `cli-${installKey()}-${process.version}-${process.arch}-${stamp.size}-${Math.trunc(stamp.mtimeMs)}-`;
}

function save(file, script) {
  const folder = dirname(file);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const aside = `${file}.${process.pid}`;
    writeFileSync(aside, script.createCachedData(), { mode: 0o600 });
    renameSync(aside, file);
  } catch {
    return; // no cache this time
  }
  try {
    // This install's caches of other builds (and unscoped ones); other installs' stay.
    const build = buildPrefix(statSync(BUNDLE));
    const install = `cli-${installKey()}-`;
    for (const name of readdirSync(folder)) {
      const stale = CACHE_NAME.test(name) && ((name.startsWith(install) && !name.startsWith(build)) || UNSCOPED_NAME.test(name));
      if (stale) unlinkSync(join(folder, name));
    }
  } catch {
    // left for the next build's first run
  }
}

const source = readFileSync(BUNDLE, 'utf8');
const file = cacheFile(process.env, process.argv.slice(2));
let cachedData;
if (file !== null) {
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
}
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: BUNDLE,
  cachedData,
  importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
// Made at exit, so that it holds every function the command compiled, not only the top level.
if (file !== null && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => save(file, script));
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(BUNDLE), bundle, BUNDLE, dirname(BUNDLE));
