// The reference run: a WASI command module under Node's own WASI (node:wasi)
// with one host directory pre-opened as ".", and no environment.
//   node node-wasi.mjs MODULE.wasm HOSTDIR ARGV0 ARGS...
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [module, dir, ...args] = process.argv.slice(2);
const options = { args, env: {}, preopens: { '.': dir }, returnOnExit: true };
let wasi;
try {
  wasi = new WASI({ version: 'preview1', ...options });
} catch {
  wasi = new WASI(options); // Node before 20 has no `version`
}
const imports = wasi.getImportObject ? wasi.getImportObject()
                                     : { wasi_snapshot_preview1: wasi.wasiImport };
const compiled = await WebAssembly.compile(readFileSync(module));
const instance = await WebAssembly.instantiate(compiled, imports);
process.exitCode = wasi.start(instance);
