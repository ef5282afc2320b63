/* example.vala: find the greeter sample plugin in a search path, answer its
 * env.log import, call greet() in two running modes.
 * Usage: example-vala PLUGINS_DIR (e.g. BUILDDIR/plugins)
 *
 * SPDX-License-Identifier: MIT
 */
int main (string[] args) {
    var engine = new Wasmplug.Engine ();
    engine.add_search_path (args[1] ?? "plugins");
    var info = engine.find_plugin ("greeter");
    if (info == null) {
        printerr ("No plugin “greeter” in %s\n", args[1] ?? "plugins");
        return 1;
    }
    try {
        var plugin = engine.load_plugin (info, null);
        print ("loaded %s\n", info.name);
        plugin.host_call["env.log"].connect ((self, name, call_args) => {
            int32 ptr, len;
            call_args.get ("(ii)", out ptr, out len);
            try {
                print ("log: %s\n", self.read_string (ptr, len));
            } catch (Error e) {
                printerr ("log: %s\n", e.message);
            }
            return new Variant ("()");
        });
        foreach (var mode in new Wasmplug.Mode[] { CLASSIC_INTERP, FAST_INTERP }) {
            plugin.set_mode (mode);
            int32 doubled;
            plugin.call ("greet", new Variant ("(i)", 21)).get ("(i)", out doubled);
            print ("greet(21) = %d in %s\n", doubled, plugin.get_effective_mode ().to_nick ());
        }
    } catch (Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
    return 0;
}
