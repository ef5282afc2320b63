// example.js: find the greeter sample plugin in a search path, answer its
// env.log import, call greet() in two running modes.
// Usage: gjs example.js PLUGINS_DIR (e.g. BUILDDIR/plugins)
//
// SPDX-License-Identifier: MIT
const {GLib, Wasmplug} = imports.gi;

const engine = new Wasmplug.Engine();
engine.add_search_path(ARGV[0] ?? 'plugins');
const info = engine.find_plugin('greeter');
const plugin = engine.load_plugin(info, null, null);
print(`loaded ${info.name}`);
plugin.connect('host-call::env.log', (self, name, args) => {
    const [ptr, len] = args.deepUnpack();
    print(`log: ${self.read_string(ptr, len)}`);
    return new GLib.Variant('()', []);
});
for (const mode of [Wasmplug.Mode.CLASSIC_INTERP, Wasmplug.Mode.FAST_INTERP]) {
    plugin.mode = mode;
    const [doubled] = plugin.call('greet', new GLib.Variant('(i)', [21])).deepUnpack();
    print(`greet(21) = ${doubled} in ${Wasmplug.Mode.to_nick(plugin.get_effective_mode())}`);
}
