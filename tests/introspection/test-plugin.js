// test-plugin.js: libwasmplug from GJS, through the build tree's
// Wasmplug-1.0 typelib.  Run as `gjs -m test-plugin.js`; prints TAP and
// exits non-zero when a test fails.
//
// Environment: WP_GI_TEST_WASM (tests/introspection/gi-test.wasm),
// WP_GREETER_WASM (the greeter sample plugin), WP_SAMPLE_PLUGINS_DIR (the
// build tree's plugins/ folder, a search path), LC_ALL=C.
//
// SPDX-License-Identifier: MIT

import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Wasmplug from 'gi://Wasmplug';
import System from 'system';

/* --- a small TAP harness --- */

const tests = [];

function test(name, func) {
    tests.push({name, func});
}

function fail(message) {
    throw new Error(`assertion failed: ${message}`);
}

function assertTrue(value, what) {
    if (!value)
        fail(what);
}

function assertEqual(actual, expected, what) {
    const a = JSON.stringify(actual), e = JSON.stringify(expected);
    if (a !== e)
        fail(`${what}: got ${a}, expected ${e}`);
}

// Runs func, which must throw a GLib.Error of Wasmplug.Error `code` whose
// message matches `pattern` (a RegExp); returns the error.
function assertThrowsWasmplug(func, code, pattern, what) {
    try {
        func();
    } catch (e) {
        if (!(e instanceof GLib.Error))
            fail(`${what}: threw ${e}, not a GLib.Error`);
        if (!e.matches(Wasmplug.Error, code))
            fail(`${what}: threw ${e.domain}:${e.code} "${e.message}", expected Wasmplug.Error code ${code}`);
        if (pattern && !pattern.test(e.message))
            fail(`${what}: message "${e.message}" does not match ${pattern}`);
        return e;
    }
    fail(`${what}: did not throw`);
    return null;
}

/* --- fixtures --- */

function moduleFile(variable) {
    const path = GLib.getenv(variable);
    if (!path)
        fail(`${variable} is not set`);
    return Gio.File.new_for_path(path);
}

function loadPlugin(variable = 'WP_GI_TEST_WASM') {
    const engine = new Wasmplug.Engine();
    const module = engine.load_module_from_file(moduleFile(variable), null);
    return {engine, module, plugin: module.instantiate()};
}

function unsupportedMode(engine) {
    for (const mode of [Wasmplug.Mode.AOT, Wasmplug.Mode.LLVM_JIT, Wasmplug.Mode.MULTI_TIER_JIT,
        Wasmplug.Mode.FAST_JIT]) {
        if (!engine.supports_mode(mode))
            return mode;
    }
    return null;
}

const call = (plugin, name, type, values) =>
    plugin.call(name, type ? new GLib.Variant(type, values) : null).deepUnpack();

/* --- tests --- */

test('properties and notify', () => {
    const {engine, module, plugin} = loadPlugin();

    assertEqual(engine.default_mode, Wasmplug.Mode.AUTO, 'engine.default_mode');
    assertEqual(plugin.mode, Wasmplug.Mode.AUTO, 'plugin.mode');
    assertTrue(plugin.module === module, 'plugin.module is the module');
    assertTrue(module.engine === engine, 'module.engine is the engine');
    assertTrue(engine.supports_mode(Wasmplug.Mode.CLASSIC_INTERP), 'classic interpreter built');
    assertTrue(engine.supports_mode(Wasmplug.Mode.FAST_INTERP), 'fast interpreter built');

    const notified = [];
    plugin.connect('notify::mode', self => notified.push(self.mode));
    plugin.mode = Wasmplug.Mode.CLASSIC_INTERP;
    plugin.mode = Wasmplug.Mode.CLASSIC_INTERP; // unchanged: no notify (explicit notify)
    assertEqual(plugin.get_effective_mode(), Wasmplug.Mode.CLASSIC_INTERP, 'effective mode');
    assertEqual(call(plugin, 'fib', '(i)', [20]), [6765], 'fib(20) in the classic interpreter');
    plugin.set_mode(Wasmplug.Mode.FAST_INTERP);
    assertEqual(plugin.get_effective_mode(), Wasmplug.Mode.FAST_INTERP, 'effective mode');
    assertEqual(call(plugin, 'fib', '(i)', [20]), [6765], 'fib(20) in the fast interpreter');
    assertEqual(notified, [Wasmplug.Mode.CLASSIC_INTERP, Wasmplug.Mode.FAST_INTERP], 'notify::mode');
    assertEqual(Wasmplug.Mode.to_nick(plugin.mode), 'fast-interp', 'nick');

    // AUTO follows the engine's default mode.
    const defaults = [];
    engine.connect('notify::default-mode', self => defaults.push(self.default_mode));
    plugin.mode = Wasmplug.Mode.AUTO;
    engine.default_mode = Wasmplug.Mode.CLASSIC_INTERP;
    assertEqual(defaults, [Wasmplug.Mode.CLASSIC_INTERP], 'notify::default-mode');
    assertEqual(plugin.get_effective_mode(), Wasmplug.Mode.CLASSIC_INTERP, 'AUTO follows the engine');
});

test('limits as properties', () => {
    const {plugin} = loadPlugin();
    const notified = [];

    plugin.connect('notify', (self, pspec) => notified.push(pspec.get_name()));
    assertEqual(plugin.fuel, 0, 'no fuel limit by default');
    assertEqual(plugin.timeout_ms, 0, 'no timeout by default');
    plugin.fuel = 1000000;
    plugin.timeout_ms = 5000;
    assertEqual([plugin.fuel, plugin.timeout_ms], [1000000, 5000], 'limits set');
    assertEqual(notified, ['fuel', 'timeout-ms'], 'notify');
    assertEqual(call(plugin, 'fib', '(i)', [10]), [55], 'a call within the limits');
});

test('unsupported mode throws Wasmplug.Error.UNSUPPORTED_MODE', () => {
    const {engine, plugin} = loadPlugin();
    const mode = unsupportedMode(engine);

    assertTrue(mode !== null, 'some mode is not built');
    plugin.mode = Wasmplug.Mode.FAST_INTERP;
    const notified = [];
    plugin.connect('notify::mode', () => notified.push(plugin.mode));
    assertThrowsWasmplug(() => plugin.set_mode(mode), Wasmplug.Error.UNSUPPORTED_MODE,
        new RegExp(Wasmplug.Mode.to_nick(mode)), 'plugin.set_mode');
    assertEqual(plugin.mode, Wasmplug.Mode.FAST_INTERP, 'the old mode stays');
    assertEqual(notified, [], 'no notify');
    assertThrowsWasmplug(() => engine.set_default_mode(mode), Wasmplug.Error.UNSUPPORTED_MODE,
        null, 'engine.set_default_mode');
    assertEqual(engine.default_mode, Wasmplug.Mode.AUTO, 'the old default stays');
    assertEqual(call(plugin, 'fib', '(i)', [10]), [55], 'the plugin still works');
});

test('host-call answered', () => {
    const {plugin} = loadPlugin();
    const seen = [];

    plugin.connect('host-call::env.add', (self, name, args) => {
        assertTrue(self === plugin, 'the handler gets the plugin');
        seen.push([name, args.get_type_string(), args.deepUnpack()]);
        const [a, b] = args.deepUnpack();
        return new GLib.Variant('(x)', [a + b]);
    });
    plugin.connect('host-call::env.log', (self, name, args) => {
        const [ptr, len] = args.deepUnpack();
        seen.push([name, self.read_string(ptr, len)]);
        return new GLib.Variant('()', []);
    });
    plugin.connect('host-call::env.scale', (self, name, args) =>
        new GLib.Variant('(d)', [args.deepUnpack()[0] * 2.5]));

    assertEqual(call(plugin, 'call_add', '(ix)', [2, 40]), [42], 'call_add');
    assertEqual(call(plugin, 'say', null), [], 'say');
    assertEqual(call(plugin, 'call_scale', '(d)', [4]), [10], 'call_scale');
    assertEqual(seen, [['env.add', '(ix)', [2, 40]], ['env.log', 'hello']], 'handlers called');
});

test('host-call handler that throws in JS fails with HOST naming the import', () => {
    const {plugin} = loadPlugin();
    let throwing = true;

    plugin.connect('host-call::env.add', (self, name, args) => {
        if (throwing)
            throw new Error('this handler throws on purpose');
        const [a, b] = args.deepUnpack();
        return new GLib.Variant('(x)', [a + b]);
    });
    print('# gjs logs the exception of this handler on stderr ("JS ERROR"): on purpose');
    assertThrowsWasmplug(() => call(plugin, 'call_add', '(ix)', [1, 2]), Wasmplug.Error.HOST,
        /env\.add/, 'a throwing handler');
    throwing = false;
    assertEqual(call(plugin, 'call_add', '(ix)', [1, 2]), [3], 'the next call works');
});

test('host-call unanswered or answered with the wrong type fails with HOST', () => {
    const {plugin} = loadPlugin();

    assertThrowsWasmplug(() => call(plugin, 'say', null), Wasmplug.Error.HOST, /env\.log/,
        'no handler');
    const id = plugin.connect('host-call::env.add', () => new GLib.Variant('(s)', ['no']));
    assertThrowsWasmplug(() => call(plugin, 'call_add', '(ix)', [1, 2]), Wasmplug.Error.HOST,
        /env\.add/, 'wrong type');
    plugin.disconnect(id);
    // A handler returning null lets the next one answer.
    plugin.connect('host-call::env.add', () => null);
    plugin.connect('host-call::env.add', () => new GLib.Variant('(x)', [7]));
    assertEqual(call(plugin, 'call_add', '(ix)', [1, 2]), [7], 'the second handler answers');
});

test('call arguments are checked', () => {
    const {plugin} = loadPlugin();

    assertThrowsWasmplug(() => call(plugin, 'nope', null), Wasmplug.Error.INVALID_ARGUMENT,
        /nope/, 'unknown export');
    assertThrowsWasmplug(() => call(plugin, 'fib', '(s)', ['x']), Wasmplug.Error.INVALID_ARGUMENT,
        null, 'wrong argument type');
    assertThrowsWasmplug(() => call(plugin, 'fib', '(ii)', [1, 2]), Wasmplug.Error.INVALID_ARGUMENT,
        null, 'wrong arity');
    assertThrowsWasmplug(() => call(plugin, 'load8', '(i)', [65536]), Wasmplug.Error.TRAP,
        /out of bounds/, 'a trap in the plugin');
    assertEqual(call(plugin, 'load8', '(i)', [16]), ['h'.charCodeAt(0)], 'the plugin goes on');
});

test('memory read and write bounds', () => {
    const {plugin} = loadPlugin();
    const size = plugin.get_memory_size();

    assertEqual(size, 65536, 'one page');
    assertEqual(plugin.read_string(16, -1), 'hello', 'read up to the NUL');
    assertEqual(plugin.read_string(16, 3), 'hel', 'read a length');

    plugin.write_string(1000, 'Grüße');
    assertEqual(plugin.read_string(1000, -1), 'Grüße', 'a UTF-8 string round trip');
    plugin.write_memory(size - 4, new GLib.Bytes([1, 2, 3, 4]));
    assertEqual(Array.from(plugin.read_memory(size - 4, 4).toArray()), [1, 2, 3, 4], 'bytes at the end');
    assertEqual(call(plugin, 'load8', '(i)', [size - 1]), [4], 'the plugin sees the write');

    assertThrowsWasmplug(() => plugin.read_memory(size - 2, 3), Wasmplug.Error.INVALID_ARGUMENT,
        null, 'read past the end');
    assertThrowsWasmplug(() => plugin.read_memory(size + 1, 0), Wasmplug.Error.INVALID_ARGUMENT,
        null, 'read beyond the memory');
    assertThrowsWasmplug(() => plugin.write_memory(size - 1, new GLib.Bytes([9, 9])),
        Wasmplug.Error.INVALID_ARGUMENT, null, 'write past the end');
    assertEqual(Array.from(plugin.read_memory(size - 1, 1).toArray()), [4], 'nothing written');
    assertThrowsWasmplug(() => plugin.write_string(size - 3, 'abc'), Wasmplug.Error.INVALID_ARGUMENT,
        null, 'a string whose NUL does not fit');
    assertThrowsWasmplug(() => plugin.read_string(size - 1, -1), Wasmplug.Error.INVALID_ARGUMENT,
        null, 'a string without an end');
    plugin.write_memory(2000, new GLib.Bytes([0xff, 0xfe]));
    assertThrowsWasmplug(() => plugin.read_string(2000, 2), Wasmplug.Error.INVALID_ARGUMENT,
        /UTF-8/, 'not UTF-8');
});

test('call_async with a main loop, host calls on the main thread', () => {
    const {plugin} = loadPlugin();
    const loop = new GLib.MainLoop(null, false);
    const context = GLib.MainContext.default();
    const events = [];
    let returned = false;
    let results = null, error = null;

    plugin.connect('host-call::env.add', (self, name, args) => {
        events.push(['host-call', returned, context.is_owner()]);
        const [a, b] = args.deepUnpack();
        return new GLib.Variant('(x)', [a * b]);
    });
    const timeout = GLib.timeout_add(GLib.PRIORITY_DEFAULT, 20000, () => {
        error = new Error('timed out');
        loop.quit();
        return GLib.SOURCE_REMOVE;
    });
    plugin.call_async('call_add', new GLib.Variant('(ix)', [6, 7]), null, (self, res) => {
        events.push(['done', context.is_owner()]);
        try {
            results = self.call_finish(res).deepUnpack();
        } catch (e) {
            error = e;
        }
        loop.quit();
    });
    returned = true;
    loop.run();
    GLib.source_remove(timeout);

    if (error)
        throw error;
    assertEqual(results, [42], 'call_finish');
    // The handler ran after call_async had returned, on the thread that owns
    // the main context (the main thread, inside loop.run()).
    assertEqual(events, [['host-call', true, true], ['done', true]], 'events');

    // A trap from an async call comes back through call_finish.
    let trap = null;
    plugin.call_async('load8', new GLib.Variant('(i)', [70000]), null, (self, res) => {
        try {
            self.call_finish(res);
        } catch (e) {
            trap = e;
        }
        loop.quit();
    });
    loop.run();
    assertTrue(trap instanceof GLib.Error && trap.matches(Wasmplug.Error, Wasmplug.Error.TRAP),
        `an async trap (${trap})`);
    assertEqual(call(plugin, 'call_add', '(ix)', [2, 3]), [6], 'a sync call after async ones');
});

test('export and import listing with their types', () => {
    const {module} = loadPlugin();
    const describe = list => list.map(e => [
        e instanceof Wasmplug.Import ? `${e.get_module()}.${e.get_name()}` : e.get_name(),
        e.get_kind(),
        e.get_params_type()?.dup_string() ?? null,
        e.get_results_type()?.dup_string() ?? null,
    ]);
    const F = Wasmplug.ExternKind.FUNCTION;

    assertEqual(describe(module.get_imports()), [
        ['env.log', F, '(ii)', '()'],
        ['env.add', F, '(ix)', '(x)'],
        ['env.scale', F, '(d)', '(d)'],
    ], 'imports');
    const exports = describe(module.get_exports());
    for (const expected of [
        ['memory', Wasmplug.ExternKind.MEMORY, null, null],
        ['table', Wasmplug.ExternKind.TABLE, null, null],
        ['counter', Wasmplug.ExternKind.GLOBAL, null, null],
        ['say', F, '()', '()'],
        ['call_add', F, '(ix)', '(x)'],
        ['call_scale', F, '(d)', '(d)'],
        ['fib', F, '(i)', '(i)'],
        ['load8', F, '(i)', '(i)'],
    ]) {
        assertTrue(exports.some(e => JSON.stringify(e) === JSON.stringify(expected)),
            `export ${JSON.stringify(expected)} in ${JSON.stringify(exports)}`);
    }
    assertEqual(exports.length, 8, 'number of exports');
    assertEqual(module.lookup_export('fib').get_name(), 'fib', 'lookup_export');
    assertEqual(module.lookup_export('nope'), null, 'lookup_export of a missing name');
});

test('the greeter sample plugin', () => {
    const {module, plugin} = loadPlugin('WP_GREETER_WASM');
    const lines = [];

    assertEqual(module.get_imports().map(i => `${i.get_module()}.${i.get_name()}`), ['env.log'],
        'greeter imports');
    plugin.connect('host-call::env.log', (self, name, args) => {
        const [ptr, len] = args.deepUnpack();
        lines.push(self.read_string(ptr, len));
        return new GLib.Variant('()', []);
    });
    for (const mode of [Wasmplug.Mode.CLASSIC_INTERP, Wasmplug.Mode.FAST_INTERP]) {
        plugin.mode = mode;
        assertEqual(call(plugin, 'greet', '(i)', [21]), [42], `greet in ${Wasmplug.Mode.to_nick(mode)}`);
        assertEqual(plugin.get_effective_mode(), mode, 'effective mode');
    }
    assertEqual(lines, ['Hello from Wasm!', 'Hello from Wasm!'], 'log lines');
});

test('plugin discovery in a search path', () => {
    const engine = new Wasmplug.Engine();
    const dir = GLib.getenv('WP_SAMPLE_PLUGINS_DIR');

    assertTrue(dir, 'WP_SAMPLE_PLUGINS_DIR is set');
    engine.add_search_path(dir);
    assertEqual(engine.get_search_paths(), [Gio.File.new_for_path(dir).get_path()], 'search paths');
    const plugins = engine.get_plugins();
    const ids = [];
    for (let i = 0; i < plugins.get_n_items(); i++)
        ids.push(plugins.get_item(i).id);
    assertTrue(ids.includes('greeter') && ids.includes('hostile'), `plugins found: ${ids}`);

    const info = engine.find_plugin('greeter');
    assertTrue(info instanceof Wasmplug.PluginInfo, 'find_plugin');
    assertEqual([info.id, info.name], ['greeter', 'Greeter'], 'manifest id and name');
    assertEqual(info.module_file.get_basename(), 'greeter.wasm', 'module file');
    assertEqual(info.preferred_mode, Wasmplug.Mode.FAST_INTERP, 'preferred mode');
    assertEqual(engine.find_plugin('no-such-plugin'), null, 'an unknown id');

    const plugin = engine.load_plugin(info, null, null);
    assertEqual(plugin.mode, Wasmplug.Mode.FAST_INTERP, 'the manifest\'s mode');
    plugin.connect('host-call::env.log', () => new GLib.Variant('()', []));
    assertEqual(call(plugin, 'greet', '(i)', [4]), [8], 'greet');
});

test('limits stop the hostile plugin with Wasmplug.Error.LIMIT', () => {
    const engine = new Wasmplug.Engine();
    engine.add_search_path(GLib.getenv('WP_SAMPLE_PLUGINS_DIR'));
    const plugin = engine.load_plugin(engine.find_plugin('hostile'), null, null);

    plugin.fuel = 100000;
    assertThrowsWasmplug(() => call(plugin, 'spin', null), Wasmplug.Error.LIMIT, null, 'out of fuel');
    assertEqual(call(plugin, 'ok', null), [42], 'the plugin goes on');
    plugin.fuel = 0;
    plugin.timeout_ms = 100;
    assertThrowsWasmplug(() => call(plugin, 'spin', null), Wasmplug.Error.LIMIT, null, 'timed out');
    assertEqual(call(plugin, 'ok', null), [42], 'the plugin goes on');
});

test('call_async cancelled through a GCancellable', () => {
    const engine = new Wasmplug.Engine();
    engine.add_search_path(GLib.getenv('WP_SAMPLE_PLUGINS_DIR'));
    const info = engine.find_plugin('hostile');
    assertTrue(info !== null, 'the hostile sample plugin');
    const plugin = engine.load_plugin(info, null, null);
    const loop = new GLib.MainLoop(null, false);
    const cancellable = new Gio.Cancellable();
    let error = null, ticks = 0;

    // The main loop goes on while spin() runs on a worker thread.
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 10, () => {
        if (++ticks === 5)
            cancellable.cancel();
        return ticks < 5;
    });
    plugin.call_async('spin', null, cancellable, (self, res) => {
        try {
            self.call_finish(res);
        } catch (e) {
            error = e;
        }
        loop.quit();
    });
    loop.run();
    assertEqual(ticks, 5, 'the main loop ran during the call');
    assertTrue(error instanceof GLib.Error && error.matches(Gio.IOErrorEnum, Gio.IOErrorEnum.CANCELLED),
        `cancelled (${error})`);
    assertEqual(call(plugin, 'ok', null), [42], 'the plugin goes on');
});

/* --- main --- */

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
