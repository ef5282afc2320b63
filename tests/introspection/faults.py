#!/usr/bin/env python3
"""faults.py: a PyGObject program using libwasmplug as its README shows
(load, host imports, sync and async calls, mode switches, limits on a plugin
at its memory cap, a plugin asleep in poll_oneoff under a time limit),
checking that each failure has its documented error kind (issue 15).
Prints TAP.  Environment: WP_FAULTS_WASM (tests/libwasmplug/faults.wat
built), GI_TYPELIB_PATH and LD_LIBRARY_PATH of the build tree, LC_ALL=C.

SPDX-License-Identifier: MIT
"""

import os
import re
import sys
import traceback

import gi

gi.require_version('Wasmplug', '1.0')
from gi.repository import GLib, Gio, Wasmplug  # noqa: E402

ONE_HOUR_NS = 3600 * 1000000000
TESTS = []


def test(func):
    TESTS.append(func)
    return func


def assert_raises(func, domain, code, pattern=None, what=''):
    """func must raise a GLib.Error of domain (a quark's string) and code."""
    try:
        func()
    except GLib.Error as e:
        if e.domain != domain or e.code != code:
            raise AssertionError(f'{what}: {e.domain}:{e.code} "{e.message}", '
                                 f'expected {domain}:{code}')
        if pattern and not re.search(pattern, e.message):
            raise AssertionError(f'{what}: "{e.message}" does not match {pattern}')
        return e
    raise AssertionError(f'{what}: did not raise')


WASMPLUG = 'wasmplug-error-quark'
GIO = 'g-io-error-quark'

engine = Wasmplug.Engine()
module_file = Gio.File.new_for_path(os.environ['WP_FAULTS_WASM'])
modes = [Wasmplug.Mode(getattr(Wasmplug.Mode, nick.upper().replace('-', '_')))
         for nick in engine.get_supported_mode_nicks() if nick != 'auto']


def make_plugin(mode, max_pages, on_mark=None):
    """faults.wasm in `mode` under a memory cap; env.mark(n) answers n,
    running on_mark first (env.mark(1) comes right before sleep's
    poll_oneoff)."""
    module = engine.load_module_from_file(module_file, None)
    sandbox = Wasmplug.Sandbox()
    sandbox.props.max_memory_pages = max_pages
    plugin = module.instantiate_with_sandbox(sandbox)
    plugin.set_mode(mode)

    def mark(plugin, name, args):
        if on_mark:
            on_mark()
        return GLib.Variant('(i)', args.unpack())
    plugin.connect('host-call::env.mark', mark)
    return plugin


def call(plugin, name, type_=None, values=()):
    args = GLib.Variant(type_, values) if type_ else None
    return plugin.call(name, args).unpack()


@test
def supported_modes_as_nicks():
    nicks = engine.get_supported_mode_nicks()
    assert nicks[:3] == ['auto', 'classic-interp', 'fast-interp'], nicks
    assert all(engine.supports_mode(m) for m in modes)


@test
def missing_file_is_gio_not_found():
    assert_raises(lambda: engine.load_module_from_file(
                      Gio.File.new_for_path('/nonexistent/x.wasm'), None),
                  GIO, Gio.IOErrorEnum.NOT_FOUND, what='load_module_from_file')


@test
def mode_switches():
    plugin = make_plugin(modes[0], 0)
    for mode in modes:
        plugin.props.mode = mode
        assert call(plugin, 'mark', '(i)', (4,)) == (4,)
        assert plugin.get_effective_mode() == mode
    unsupported = [m for m in (Wasmplug.Mode.AOT, Wasmplug.Mode.LLVM_JIT, Wasmplug.Mode.FAST_JIT)
                   if not engine.supports_mode(m)]
    if unsupported:
        before = plugin.props.mode
        notified = []
        plugin.connect('notify::mode', lambda *a: notified.append(True))
        plugin.props.mode = unsupported[0]
        assert plugin.props.mode == before and len(notified) == 1
        assert_raises(lambda: plugin.set_mode(unsupported[0]), WASMPLUG,
                      Wasmplug.Error.UNSUPPORTED_MODE, what='set_mode')


@test
def at_the_memory_cap():
    for mode in modes:
        plugin = make_plugin(mode, 2)
        assert call(plugin, 'grow', '(i)', (1,)) == (1,)
        assert_raises(lambda: call(plugin, 'div', '(ii)', (1, 0)), WASMPLUG,
                      Wasmplug.Error.TRAP, 'integer divide by zero', 'a trap at the cap')
        assert_raises(lambda: call(plugin, 'say'), WASMPLUG, Wasmplug.Error.HOST,
                      r'env\.log', 'an unanswered import')
        assert_raises(lambda: call(plugin, 'bomb'), WASMPLUG, Wasmplug.Error.LIMIT,
                      'limit of 2 pages', 'a refused memory.grow')
        assert call(plugin, 'pages') == (2,)


@test
def asleep_under_a_time_limit():
    for mode in modes:
        plugin = make_plugin(mode, 0)
        plugin.props.timeout_ms = 100
        assert_raises(lambda: call(plugin, 'sleep', '(x)', (ONE_HOUR_NS,)), WASMPLUG,
                      Wasmplug.Error.LIMIT, 'time limit of 100 ms', 'sleep')


@test
def async_busy_and_cancelled_sleep():
    for mode in modes:
        cancellable = Gio.Cancellable()
        plugin = make_plugin(mode, 0, cancellable.cancel)
        loop = GLib.MainLoop()
        outcome = {}

        def done(plugin, result):
            try:
                plugin.call_finish(result)
            except GLib.Error as e:
                outcome['error'] = e
            loop.quit()
        plugin.call_async('sleep', GLib.Variant('(x)', (ONE_HOUR_NS,)), cancellable, done)
        assert plugin.props.busy
        assert_raises(lambda: call(plugin, 'pages'), WASMPLUG, Wasmplug.Error.BUSY,
                      what='a sync call while busy')
        loop.run()
        assert not plugin.props.busy
        error = outcome.get('error')
        assert error is not None and (error.domain, error.code) == (GIO, Gio.IOErrorEnum.CANCELLED), error


@test
def write_memory_data_takes_bytes():
    plugin = make_plugin(modes[0], 0)
    plugin.write_memory_data(100, b'\x01\x02\x03\x04')
    assert plugin.read_memory(100, 4).get_data() == b'\x01\x02\x03\x04'
    assert call(plugin, 'load', '(i)', (100,)) == (0x04030201,)
    assert_raises(lambda: plugin.write_memory_data(65535, b'\x01\x02'), WASMPLUG,
                  Wasmplug.Error.INVALID_ARGUMENT, what='past the end')


def main():
    failed = 0
    print(f'1..{len(TESTS)}')
    for i, func in enumerate(TESTS, 1):
        try:
            func()
            print(f'ok {i} - {func.__name__}')
        except Exception:  # noqa: BLE001 (report every failure as TAP)
            failed += 1
            print(f'not ok {i} - {func.__name__}')
            for line in traceback.format_exc().rstrip().splitlines():
                print(f'# {line}')
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
