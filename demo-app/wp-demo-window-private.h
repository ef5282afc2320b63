/* wp-demo-window-private.h: what WpDemoWindow shares with its call
 * machinery (wp-demo-call.c) and its mode dropdown (wp-demo-modes.c).
 * The window's instance struct stays in wp-demo-window.c.
 *
 * SPDX-License-Identifier: MIT
 */
#pragma once

#include "wp-demo-window.h"

G_BEGIN_DECLS

typedef enum {
  WP_DEMO_LOG_PLUGIN,    /* a line a plugin wrote through env.log */
  WP_DEMO_LOG_CALL,      /* a call and its result */
  WP_DEMO_LOG_ERROR,     /* a failed call */
  WP_DEMO_LOG_INFO,      /* mode switches and the like */
} WpDemoLogKind;

typedef struct _WpDemoCall WpDemoCall;

/* One call: for a text call, alloc (), writing the string, the export,
 * reading the result string, then free () of both strings when the plugin
 * exports free; otherwise just the export. */
struct _WpDemoCall
{
  WpDemoWindow *window;
  WasmplugPlugin *plugin;
  char *plugin_id;
  char *export_name;
  char *description;    /* "greet (21)", for the result and the log */
  GVariant *args;
  char *text;           /* the input of a text call, else NULL */
  guint32 input_ptr;
  guint32 result_ptr;
  GArray *to_free;      /* guest pointers still to free () */
  GCancellable *cancellable;
  gint64 started;
  double elapsed_ms;
  char *result_text;
};

/* wp-demo-call.c */
WpDemoCall *wp_demo_call_new (WpDemoWindow   *window,
                              WasmplugPlugin *plugin,
                              const char     *plugin_id,
                              WasmplugExport *export,
                              const char     *input,
                              gboolean        as_text,
                              GError        **error);
void wp_demo_call_start (WpDemoCall *call);
void wp_demo_call_free (WpDemoCall *call);

/* wp-demo-window.c */
WasmplugEngine *wp_demo_window_get_engine (WpDemoWindow *self);
gboolean wp_demo_window_get_echo (WpDemoWindow *self);
void wp_demo_window_append_log (WpDemoWindow  *self,
                                const char    *source,
                                const char    *text,
                                WpDemoLogKind  kind);
/* The end of every call that started: shows the result (or the error)
 * and frees @call. */
void wp_demo_window_finish_call (WpDemoWindow *self,
                                 WpDemoCall   *call,
                                 GError       *error);

G_END_DECLS
