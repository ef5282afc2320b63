// v8-run.mjs -- the V8 side of the differential fuzzer: runs the calls a
// plan file names (fuzz-diff writes it) with Node's WebAssembly API and
// prints each call's record as fuzz-diff's "V8 view" renders it
// (fuzz-record.c, record_render with .v8), so the two texts compare
// line for line.
//
//   node v8-run.mjs PLAN
//
// The plan: per module "module PATH", then "call NAME TYPE:HEX..." per call,
// then "end".  The output: per module "module PATH" (or "module error
// MESSAGE"), per call its record followed by "-", then "end".
//
// What JavaScript cannot show is left out on both sides: NaN bits (a NaN
// crossing into JS is just NaN), globals and tables.  Traps are classed as
// V8 words them: it does not tell an undefined element from a table access
// out of bounds, nor an uninitialized element from a signature mismatch,
// nor integer overflow from an invalid conversion.
import { readFileSync } from 'node:fs';

const buf = new ArrayBuffer(8);
const f32 = new Float32Array(buf);
const f64 = new Float64Array(buf);
const u32 = new Uint32Array(buf);
const u64 = new BigUint64Array(buf);

const MASK64 = (1n << 64n) - 1n;
const FNV64_OFFSET = 1469598103934665603n;
const FNV64_PRIME = 1099511628211n;

function mix64(h, v) {
  return ((h ^ v) * FNV64_PRIME) & MASK64;
}

// The JS value for an argument given as TYPE:HEX bits.
function argValue(type, hex) {
  const bits = BigInt('0x' + hex);
  switch (type) {
    case 'i32': return Number(BigInt.asIntN(32, bits));
    case 'i64': return BigInt.asIntN(64, bits);
    case 'f32': u32[0] = Number(bits); return f32[0];
    case 'f64': u64[0] = bits; return f64[0];
    case 'externref': return bits === 0n ? null : Number(bits);
    default: return null; // funcref: null only
  }
}

// A value as record_render prints it (NaNs as "nan": the V8 view).
function show(type, v) {
  switch (type) {
    case 'i32': return `i32:${(v >>> 0).toString(16)}`;
    case 'i64': return `i64:${BigInt.asUintN(64, v).toString(16)}`;
    case 'f32':
      if (Number.isNaN(v)) return 'f32:nan';
      f32[0] = v; return `f32:${u32[0].toString(16)}`;
    case 'f64':
      if (Number.isNaN(v)) return 'f64:nan';
      f64[0] = v; return `f64:${u64[0].toString(16)}`;
    case 'funcref':
      if (v === null) return 'funcref:null';
      return /^\d+$/.test(v.name) ? `funcref:${v.name}` : 'funcref:host';
    case 'externref':
      return v === null ? 'externref:null' : `externref:${v}`;
    default: return `${type}:?`;
  }
}

// An argument as record_render prints it: numbers as their bits,
// references as null or N.
function showArg(type, hex) {
  if (type === 'funcref' || type === 'externref') return `${type}:${hex === '0' ? 'null' : BigInt('0x' + hex)}`;
  return `${type}:${hex}`;
}

// Bits of a logged value, NaNs as one value (record_add_log's log_hash_nan).
function logBits(type, v) {
  switch (type) {
    case 'i32': return BigInt(v >>> 0);
    case 'i64': return BigInt.asUintN(64, v);
    case 'f32': if (Number.isNaN(v)) return 0x7FF8n; f32[0] = v; return BigInt(u32[0]);
    default: if (Number.isNaN(v)) return 0x7FF8n; f64[0] = v; return u64[0];
  }
}

const typeCode = { i32: 0x7Fn, i64: 0x7En, f32: 0x7Dn, f64: 0x7Cn };
const MAX_LOGS = 64; // RECORD_MAX_LOGS

let logs = [];
let logHash = FNV64_OFFSET;
function logger(type) {
  return (v) => {
    if (logs.length < MAX_LOGS + 1) logs.push(show(type, v));
    logHash = mix64(mix64(logHash, typeCode[type]), logBits(type, v));
    logCount++;
  };
}
let logCount = 0;

const imports = {
  'fuzzing-support': {
    'log-i32': logger('i32'),
    'log-i64': logger('i64'),
    'log-f32': logger('f32'),
    'log-f64': logger('f64'),
  },
};

function trapClass(e) {
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'stack';
  if (!(e instanceof WebAssembly.RuntimeError)) return `other ${e}`;
  const m = e.message;
  if (/unreachable/.test(m)) return 'unreachable';
  if (/memory access out of bounds|data segment/.test(m)) return 'memory';
  if (/signature mismatch|null function/.test(m)) return 'indirect';
  if (/by zero/.test(m)) return 'divide';
  if (/unrepresentable|overflow/.test(m)) return 'numeric'; // before "table": "unrepresentable"
  if (/table|element segment/.test(m)) return 'table';
  return `other ${m}`;
}

// FNV-1a over little-endian 32-bit words, then the page count (hash_memory).
function hashMemory(memory) {
  const words = new Uint32Array(memory.buffer);
  let h = 2166136261;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 16777619) >>> 0;
  const pages = memory.buffer.byteLength / 65536;
  h = Math.imul(h ^ pages, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

// JS does not reflect the result types of an export: they come from the
// binary (exportResultTypes).
let funcResults = new Map();

// Reads the result types of each exported function from the binary: the
// type, function, import and export sections are all it takes.
function exportResultTypes(bytes) {
  const out = new Map();
  let p = 8;
  const u8 = bytes;
  function leb() {
    let r = 0, s = 0, b;
    do { b = u8[p++]; r += (b & 0x7F) * 2 ** s; s += 7; } while (b & 0x80);
    return r;
  }
  function name() { const n = leb(); const s = Buffer.from(u8.subarray(p, p + n)).toString('utf8'); p += n; return s; }
  const valName = { 0x7F: 'i32', 0x7E: 'i64', 0x7D: 'f32', 0x7C: 'f64', 0x70: 'funcref', 0x6F: 'externref', 0x7B: 'v128' };
  const types = [];
  const funcTypes = [];
  while (p < u8.length) {
    const id = u8[p++];
    const size = leb();
    const end = p + size;
    if (id === 1) {
      const n = leb();
      for (let i = 0; i < n; i++) {
        p++; // 0x60
        const np = leb(); p += np;
        const nr = leb(); const rs = [];
        for (let k = 0; k < nr; k++) rs.push(valName[u8[p++]]);
        types.push(rs);
      }
    } else if (id === 2) {
      const n = leb();
      for (let i = 0; i < n; i++) {
        name(); name();
        const kind = u8[p++];
        if (kind === 0) funcTypes.push(leb());
        else if (kind === 1) { p++; const f = u8[p++]; leb(); if (f & 1) leb(); }
        else if (kind === 2) { const f = u8[p++]; leb(); if (f & 1) leb(); }
        else { p += 2; }
      }
    } else if (id === 3) {
      const n = leb();
      for (let i = 0; i < n; i++) funcTypes.push(leb());
    } else if (id === 7) {
      const n = leb();
      for (let i = 0; i < n; i++) {
        const nm = name(); const kind = u8[p++]; const idx = leb();
        if (kind === 0) out.set(nm, types[funcTypes[idx]]);
      }
    }
    p = end;
  }
  return out;
}

function runModule(path, calls) {
  const bytes = readFileSync(path);
  let instance;
  try {
    funcResults = exportResultTypes(bytes);
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  } catch (e) {
    console.log(`module error ${String(e).replace(/\n/g, ' ')}`);
    console.log('end');
    return;
  }
  console.log(`module ${path}`);
  const memory = Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory);
  for (const call of calls) {
    const args = call.args.map((a) => argValue(a.type, a.hex));
    const results = funcResults.get(call.name) || [];
    logs = []; logCount = 0; logHash = FNV64_OFFSET;
    let line = `call ${call.name}(${call.args.map((a) => showArg(a.type, a.hex)).join(' ')})`;
    try {
      const r = instance.exports[call.name](...args);
      const values = results.length === 1 ? [r] : results.length === 0 ? [] : r;
      line += ' ->' + results.map((t, i) => ' ' + show(t, values[i])).join('');
    } catch (e) {
      line += ` trap ${trapClass(e)}`;
    }
    const out = [line];
    const shown = Math.min(logCount, MAX_LOGS);
    for (let i = 0; i < shown; i++) out.push(`  log ${logs[i]}`);
    if (logCount > shown) out.push(`  log ${logCount} calls, hash ${logHash.toString(16).padStart(16, '0')}`);
    if (memory) out.push(`  memory ${hashMemory(memory)}`);
    out.push('-');
    console.log(out.join('\n'));
  }
  console.log('end');
}

const plan = readFileSync(process.argv[2], 'utf8').split('\n');
let path = null;
let calls = [];
for (const line of plan) {
  if (line.startsWith('module ')) {
    path = line.slice(7);
    calls = [];
  } else if (line.startsWith('call ')) {
    const parts = line.slice(5).split(' ');
    const name = parts.shift();
    calls.push({ name, args: parts.map((p) => { const [type, hex] = p.split(':'); return { type, hex }; }) });
  } else if (line === 'end') {
    runModule(path, calls);
  }
}
