/* wp-demo-values.h: the demo's helpers on Wasm values and types (no
 * widgets).
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include <wasmplug.h>

G_BEGIN_DECLS

/* "i32, i32" for the tuple type (ii); "(i32, i32) → i32" for an export. */
char *wp_demo_types_text (const GVariantType *tuple);
char *wp_demo_signature_text (WasmplugExport *export);

/* The function export @name of type @params -> @results, or NULL. */
WasmplugExport *wp_demo_lookup_function (WasmplugPlugin *plugin,
                                         const char     *name,
                                         const char     *params,
                                         const char     *results);
gboolean wp_demo_takes_text (WasmplugPlugin *plugin,
                             WasmplugExport *export);
gboolean wp_demo_is_helper_export (const char *name);

GVariant *wp_demo_parse_arguments (const GVariantType *params,
                                   const char         *name,
                                   const char         *input,
                                   GError            **error);
char *wp_demo_format_results (GVariant *results);
char *wp_demo_format_duration (double ms);

/* The manifest's grants, one a line; the module's exports, one a line. */
char *wp_demo_grants_text (WasmplugPluginInfo *info);
char *wp_demo_exports_text (WasmplugModule *module);

G_END_DECLS
