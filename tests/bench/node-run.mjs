// The bench's Node runner: a WASI command module under Node's own WASI
// (node:wasi, V8), no environment, optionally one host directory as ".".
//   node node-run.mjs [--dir=HOSTDIR] [--instantiate-only] MODULE.wasm ARGS...
// Prints `node-run: compile_ms N` on stderr (WebAssembly.compile, which in
// Node 20 is V8's Liftoff baseline for every function; TurboFan tiers up
// hot ones in the background).  --instantiate-only stops before _start.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

let args = process.argv.slice(2);
let dir = null, instantiateOnly = false;
while (args.length && args[0].startsWith('--')) {
  const a = args.shift();
  if (a.startsWith('--dir=')) dir = a.slice(6);
  else if (a === '--instantiate-only') instantiateOnly = true;
}
const [module, ...rest] = args;
const options = { version: 'preview1', args: [module, ...rest], env: {}, returnOnExit: true,
                  preopens: dir ? { '.': dir } : {} };
const wasi = new WASI(options);
const bytes = readFileSync(module);
const t0 = performance.now();
const compiled = await WebAssembly.compile(bytes);
const t1 = performance.now();
const instance = await WebAssembly.instantiate(compiled, wasi.getImportObject());
process.stderr.write(`node-run: compile_ms ${(t1 - t0).toFixed(3)}\n`);
if (!instantiateOnly)
  process.exitCode = wasi.start(instance);
