// faults.js: a GJS program using libwasmplug as its README shows (load,
// host imports, sync and async calls, mode switches, limits on a plugin
// at its memory cap, a plugin asleep in poll_oneoff under a time limit),
// checking that each failure has its documented error kind (issue 15).
// Run as `gjs -m faults.js`; prints TAP.  Environment: WP_FAULTS_WASM
// (tests/libwasmplug/faults.wat built), LC_ALL=C.
//
// SPDX-License-Identifier: MIT

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Wasmplug from 'gi://Wasmplug';
import System from 'system';

const tests = [];
const test = (name, func) => tests.push({name, func});

function fail(message) {
    throw new Error(`assertion failed: ${message}`);
}

function assertEqual(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        fail(`${what}: got ${a}, expected ${e}`);
}

// func must throw a GLib.Error of `domain`/`code` whose message matches
// `pattern`.
function assertThrows(func, domain, code, pattern, what) {
    try {
        func();
    } catch (e) {
        if (!(e instanceof GLib.Error) || !e.matches(domain, code))
            fail(`${what}: threw ${e} (${e.domain}:${e.code}), expected code ${code}`);
        if (pattern && !pattern.test(e.message))
            fail(`${what}: "${e.message}" does not match ${pattern}`);
        return;
    }
    fail(`${what}: did not throw`);
}

const ONE_HOUR_NS = 3600 * 1000000000;
const engine = new Wasmplug.Engine();
const file = Gio.File.new_for_path(GLib.getenv('WP_FAULTS_WASM'));

// The supported modes, from the nicks (the shape GJS reads).
const modes = engine.get_supported_mode_nicks()
    .filter(nick => nick !== 'auto')
    .map(nick => Wasmplug.Mode[nick.toUpperCase().replace(/-/g, '_')]);

// env.mark(n) answers n; `onMark` runs first (env.mark(1) comes right
// before sleep's poll_oneoff).
function makePlugin(mode, maxPages, onMark = null) {
    const module = engine.load_module_from_file(file, null);
    const sandbox = new Wasmplug.Sandbox();
    sandbox.max_memory_pages = maxPages;
    const plugin = module.instantiate_with_sandbox(sandbox);
    plugin.set_mode(mode);
    plugin.connect('host-call::env.mark', (self, name, args) => {
        if (onMark)
            onMark();
        return new GLib.Variant('(i)', args.deepUnpack());
    });
    return plugin;
}

const call = (plugin, name, type, values) =>
    plugin.call(name, type ? new GLib.Variant(type, values) : null).deepUnpack();

test('supported modes as nicks', () => {
    const nicks = engine.get_supported_mode_nicks();
    assertEqual(nicks.slice(0, 3), ['auto', 'classic-interp', 'fast-interp'], 'nicks');
    for (const mode of modes)
        if (!engine.supports_mode(mode))
            fail(`${mode} listed but not supported`);
});

test('a missing file is Gio.IOErrorEnum.NOT_FOUND', () => {
    assertThrows(() => engine.load_module_from_file(Gio.File.new_for_path('/nonexistent/x.wasm'), null),
        Gio.IOErrorEnum, Gio.IOErrorEnum.NOT_FOUND, null, 'load_module_from_file');
});

test('mode switches: the property keeps a supported mode, set_mode throws', () => {
    const plugin = makePlugin(modes[0], 0);
    const unsupported = [Wasmplug.Mode.AOT, Wasmplug.Mode.LLVM_JIT, Wasmplug.Mode.FAST_JIT]
        .find(m => !engine.supports_mode(m));
    for (const mode of modes) {
        plugin.mode = mode;
        assertEqual(call(plugin, 'mark', '(i)', [4]), [4], `a call in ${Wasmplug.Mode.to_nick(mode)}`);
        assertEqual(plugin.get_effective_mode(), mode, 'effective mode');
    }
    if (unsupported !== undefined) {
        const before = plugin.mode;
        let notified = 0;
        plugin.connect('notify::mode', () => notified++);
        plugin.mode = unsupported;
        assertEqual([plugin.mode, notified], [before, 1], 'the property keeps the mode and notifies');
        assertThrows(() => plugin.set_mode(unsupported), Wasmplug.Error, Wasmplug.Error.UNSUPPORTED_MODE,
            null, 'set_mode');
    }
});

test('at the memory cap: TRAP, HOST and LIMIT as documented, in every mode', () => {
    for (const mode of modes) {
        const plugin = makePlugin(mode, 2);
        assertEqual(call(plugin, 'grow', '(i)', [1]), [1], 'grow to the cap');
        assertThrows(() => call(plugin, 'div', '(ii)', [1, 0]), Wasmplug.Error, Wasmplug.Error.TRAP,
            /integer divide by zero/, 'a trap at the cap');
        assertThrows(() => call(plugin, 'say', null), Wasmplug.Error, Wasmplug.Error.HOST,
            /env\.log/, 'an unanswered import');
        assertThrows(() => call(plugin, 'bomb', null), Wasmplug.Error, Wasmplug.Error.LIMIT,
            /limit of 2 pages/, 'a refused memory.grow');
        assertEqual(call(plugin, 'pages', null), [2], 'the plugin goes on');
    }
});

test('asleep in poll_oneoff under a time limit: LIMIT', () => {
    for (const mode of modes) {
        const plugin = makePlugin(mode, 0);
        plugin.timeout_ms = 100;
        assertThrows(() => call(plugin, 'sleep', '(x)', [ONE_HOUR_NS]), Wasmplug.Error,
            Wasmplug.Error.LIMIT, /time limit of 100 ms/, 'sleep');
    }
});

test('async: busy at once, the mode of the call, a cancelled sleep', () => {
    for (const mode of modes) {
        const cancellable = new Gio.Cancellable();
        const plugin = makePlugin(mode, 0, () => cancellable.cancel());
        const loop = new GLib.MainLoop(null, false);
        let error = null;

        plugin.call_async('sleep', new GLib.Variant('(x)', [ONE_HOUR_NS]), cancellable, (self, res) => {
            try {
                self.call_finish(res);
            } catch (e) {
                error = e;
            }
            loop.quit();
        });
        assertEqual(plugin.busy, true, 'busy once queued');
        assertThrows(() => call(plugin, 'pages', null), Wasmplug.Error, Wasmplug.Error.BUSY, null,
            'a sync call while busy');
        loop.run();
        assertEqual(plugin.busy, false, 'not busy after the callback');
        if (!(error instanceof GLib.Error) || !error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED))
            fail(`cancelled: ${error}`);
    }
});

test('write_memory_data takes a plain byte array', () => {
    const plugin = makePlugin(modes[0], 0);
    plugin.write_memory_data(100, new Uint8Array([1, 2, 3, 4]));
    assertEqual(Array.from(plugin.read_memory(100, 4).toArray()), [1, 2, 3, 4], 'written');
    assertEqual(call(plugin, 'load', '(i)', [100]), [0x04030201], 'the plugin sees it');
    assertThrows(() => plugin.write_memory_data(65535, new Uint8Array([1, 2])), Wasmplug.Error,
        Wasmplug.Error.INVALID_ARGUMENT, null, 'past the end');
});

let failed = 0;
print(`1..${tests.length}`);
tests.forEach(({name, func}, i) => {
    try {
        func();
        print(`ok ${i + 1} - ${name}`);
    } catch (e) {
        failed++;
        print(`not ok ${i + 1} - ${name}`);
        for (const line of `${e}\n${e.stack ?? ''}`.trimEnd().split('\n'))
            print(`# ${line}`);
    }
});
System.exit(failed > 0 ? 1 : 0);
