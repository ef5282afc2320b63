/* wasmplug-plugin.c: WasmplugPlugin, a sandboxed instance: calls with
 * GVariant values, the running mode, host imports as signals, memory.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include "wasmplug-private.h"

/**
 * WasmplugPlugin:
 *
 * A sandboxed instance of a [class@Module], made by
 * [method@Module.instantiate].
 *
 * [method@Plugin.call] calls an exported function with its arguments as a
 * `GVariant` tuple and returns its results as a tuple.  The
 * [property@Plugin:mode] property chooses how its code runs; it may change
 * between calls.  Every function the module imports (other than WASI's) is
 * answered by a handler of the detailed signal
 * [signal@Plugin::host-call], e.g. `host-call::env.log`.
 *
 * A trap (a Wasm error such as an out-of-bounds access, or a host import
 * left unanswered) ends the call with %WASMPLUG_ERROR_TRAP; the plugin
 * stays usable.
 */

typedef enum {
  STOP_NONE,
  STOP_TIMEOUT,
  STOP_CANCEL,
} StopReason;

struct _WasmplugPlugin
{
  GObject parent_instance;

  WasmplugModule *module;
  wasm_module_inst_t inst;
  wasm_exec_env_t exec_env; /* the instance's singleton, owned by it */
  WasmplugSandbox *sandbox;
  WasmplugMode mode;
  guint64 fuel;             /* per outermost call; 0: unlimited */
  guint timeout_ms;         /* per outermost call; 0: none */

  /* One thread at a time runs the plugin's code; `lock` guards what
   * follows, `idle` is signalled when no call runs. */
  GMutex lock;
  GCond idle;
  GThread *running_thread;  /* the thread of the outermost call, or NULL */
  guint call_depth;         /* calls running (host-call handlers may call again) */
  guint call_serial;        /* bumped by every outermost call */
  StopReason stop_reason;   /* why the running call was asked to stop */
  GMainContext *host_context; /* async calls: where host-call is emitted */
  int applied_mode;         /* the RunningMode last given to the instance */
  guint busy_count;         /* outermost calls queued or running (property busy) */
  char *host_failure;       /* the exception a host import set in this call, or NULL */
  guint64 refused_grows;    /* the memory's refused grows when the call began */
  gboolean initialized;     /* a reactor's _initialize has been run */
};

G_DEFINE_FINAL_TYPE (WasmplugPlugin, wasmplug_plugin, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MODULE,
  PROP_MODE,
  PROP_SANDBOX,
  PROP_FUEL,
  PROP_TIMEOUT_MS,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  HOST_CALL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
wasmplug_plugin_dispose (GObject *object)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  if (self->inst != NULL)
    {
      wasm_runtime_set_custom_data (self->inst, NULL);
      g_clear_pointer (&self->inst, wasm_runtime_deinstantiate);
      self->exec_env = NULL;
    }
  g_clear_object (&self->module);
  g_clear_object (&self->sandbox);

  G_OBJECT_CLASS (wasmplug_plugin_parent_class)->dispose (object);
}

static void
wasmplug_plugin_finalize (GObject *object)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  g_mutex_clear (&self->lock);
  g_cond_clear (&self->idle);
  g_free (self->host_failure);

  G_OBJECT_CLASS (wasmplug_plugin_parent_class)->finalize (object);
}

static void
wasmplug_plugin_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  switch (prop_id)
    {
    case PROP_MODULE:
      g_value_set_object (value, self->module);
      break;
    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;
    case PROP_SANDBOX:
      g_value_set_object (value, self->sandbox);
      break;
    case PROP_FUEL:
      g_value_set_uint64 (value, wasmplug_plugin_get_fuel (self));
      break;
    case PROP_TIMEOUT_MS:
      g_value_set_uint (value, wasmplug_plugin_get_timeout_ms (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, wasmplug_plugin_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_plugin_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (object);

  switch (prop_id)
    {
    case PROP_MODE:
      {
        g_autoptr(GError) error = NULL;

        /* A property setter cannot fail.  A mode this build lacks is not a
         * programming error (the same code runs on builds with other
         * modes, a setting may name one), so it is no warning either: the
         * old mode stays and notify::mode is emitted, so that a binding
         * (a dropdown, a GSettings key) goes back to the mode in force.
         * wasmplug_plugin_set_mode() gives the GError. */
        if (!wasmplug_plugin_set_mode (self, g_value_get_enum (value), &error))
          {
            g_debug ("%s", error->message);
            g_object_notify_by_pspec (object, properties[PROP_MODE]);
          }
      }
      break;
    case PROP_FUEL:
      wasmplug_plugin_set_fuel (self, g_value_get_uint64 (value));
      break;
    case PROP_TIMEOUT_MS:
      wasmplug_plugin_set_timeout_ms (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The first handler returning a non-NULL GVariant answers the host call;
 * handlers returning NULL let the next one answer. */
static gboolean
host_call_accumulator (GSignalInvocationHint *hint,
                       GValue                *return_accu,
                       const GValue          *handler_return,
                       gpointer               data)
{
  GVariant *value = g_value_get_variant (handler_return);

  if (value == NULL)
    return TRUE;
  g_value_set_variant (return_accu, value);
  return FALSE;
}

static void
wasmplug_plugin_class_init (WasmplugPluginClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wasmplug_plugin_dispose;
  object_class->finalize = wasmplug_plugin_finalize;
  object_class->get_property = wasmplug_plugin_get_property;
  object_class->set_property = wasmplug_plugin_set_property;

  /**
   * WasmplugPlugin:module:
   *
   * The module the plugin is an instance of.
   */
  properties[PROP_MODULE] =
    g_param_spec_object ("module", NULL, NULL, WASMPLUG_TYPE_MODULE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPlugin:mode:
   *
   * How the plugin's code runs.  %WASMPLUG_MODE_AUTO follows the engine's
   * [property@Engine:default-mode].  Changing it re-targets the instance's
   * code before the next call (a change made by a host-call handler during
   * a call applies when the outermost call has returned; a call queued by
   * [method@Plugin.call_async] runs in the mode in force when it was
   * queued).
   *
   * Setting the property to a mode the engine does not support (see
   * [method@Engine.supports_mode]) changes nothing, logs nothing above
   * debug level and emits `notify::mode`, so that whatever is bound to the
   * property returns to the mode in force; [method@Plugin.set_mode] says
   * why with a %WASMPLUG_ERROR_UNSUPPORTED_MODE error.
   */
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, WASMPLUG_TYPE_MODE, WASMPLUG_MODE_AUTO,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPlugin:sandbox:
   *
   * What the plugin was granted when it was made (a sandbox that grants
   * nothing when it was made without one).
   */
  properties[PROP_SANDBOX] =
    g_param_spec_object ("sandbox", NULL, NULL, WASMPLUG_TYPE_SANDBOX,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPlugin:fuel:
   *
   * How much work each call may do, in units counted at every loop
   * back-edge and function entry (a budget that does not depend on the
   * machine's speed, unlike [property@Plugin:timeout-ms]); 0 is no limit.
   * A call that uses it up fails with %WASMPLUG_ERROR_LIMIT.  Each call
   * (but not a call made by a host-call handler during another) starts
   * with the whole budget; values above %G_MAXINT count as %G_MAXINT.
   */
  properties[PROP_FUEL] =
    g_param_spec_uint64 ("fuel", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPlugin:timeout-ms:
   *
   * How long each call may run, in milliseconds of wall-clock time; 0 is
   * no limit.  A call running longer is interrupted and fails with
   * %WASMPLUG_ERROR_LIMIT (time spent in host-call handlers counts, but a
   * handler is never interrupted: the Wasm code stops when it resumes).
   */
  properties[PROP_TIMEOUT_MS] =
    g_param_spec_uint ("timeout-ms", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugPlugin:busy:
   *
   * Whether a call of the plugin is queued or running: %TRUE from the
   * moment [method@Plugin.call] begins or [method@Plugin.call_async] is
   * made until the call has returned (for an async call, until just before
   * its callback runs).  While it is %TRUE, a synchronous call made
   * anywhere but in a host-call handler of the running call fails with
   * %WASMPLUG_ERROR_BUSY; async calls queue.  Notified in the thread that
   * made the call (for an async call, its callback's main context).
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WasmplugPlugin::host-call:
   * @plugin: the plugin whose code calls the import
   * @name: the import, as "module.field" (also the signal's detail)
   * @args: the arguments, a tuple of the import's parameter types (see
   *   [method@Import.get_params_type]: i32 is `i`, i64 `x`, f32 and f64 `d`)
   *
   * Emitted when the plugin's code calls a function it imports.  Connect
   * to the detailed signal, e.g. `host-call::env.log`.  The first handler
   * that returns non-%NULL answers; during the handler, the plugin's
   * memory can be read and written ([method@Plugin.read_memory] and
   * friends).
   *
   * If no handler answers (a GJS or Python handler that throws answers
   * nothing), or the answer is not a tuple of the import's result types
   * (`u` and `t` are accepted for `i` and `x`), the plugin's code stops
   * there and [method@Plugin.call] fails with %WASMPLUG_ERROR_HOST, whose
   * message names the import and what was wrong.
   *
   * Returns: (transfer full) (nullable): the results as a tuple (`()` for
   *   an import without results), or %NULL to let another handler answer
   */
  signals[HOST_CALL] =
    g_signal_new ("host-call",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0,
                  host_call_accumulator, NULL,
                  NULL,
                  G_TYPE_VARIANT, 2,
                  G_TYPE_STRING,
                  G_TYPE_VARIANT);
}

static void
wasmplug_plugin_init (WasmplugPlugin *self)
{
  self->mode = WASMPLUG_MODE_AUTO;
  self->applied_mode = Mode_Default;
  g_mutex_init (&self->lock);
  g_cond_init (&self->idle);
}

WasmplugPlugin *
_wasmplug_plugin_new (WasmplugModule    *module,
                      wasm_module_inst_t inst,
                      WasmplugSandbox   *sandbox)
{
  WasmplugPlugin *self = g_object_new (WASMPLUG_TYPE_PLUGIN, NULL);

  self->module = g_object_ref (module);
  self->sandbox = g_object_ref (sandbox);
  self->inst = inst;
  self->exec_env = wasm_runtime_get_exec_env_singleton (inst);
  wasm_runtime_set_custom_data (inst, self);
  _wasmplug_plugin_apply_mode (self);
  return self;
}

/* A host call made by an async call's worker thread, run in the caller's
 * main context while the worker waits. */
typedef struct
{
  WasmplugPlugin *plugin;
  const char *qualified_name;
  GVariant *args;
  GVariant *results;
  GMutex lock;
  GCond done_cond;
  gboolean done;
} HostCall;

static void
emit_host_call (WasmplugPlugin *self,
                const char     *qualified_name,
                GVariant       *args,
                GVariant      **results)
{
  g_signal_emit (self, signals[HOST_CALL], g_quark_from_string (qualified_name),
                 qualified_name, args, results);
}

static gboolean
host_call_dispatch (gpointer data)
{
  HostCall *call = data;

  emit_host_call (call->plugin, call->qualified_name, call->args, &call->results);
  g_mutex_lock (&call->lock);
  call->done = TRUE;
  g_cond_signal (&call->done_cond);
  g_mutex_unlock (&call->lock);
  return G_SOURCE_REMOVE;
}

GVariant *
_wasmplug_plugin_emit_host_call (WasmplugPlugin *self,
                                 const char     *qualified_name,
                                 GVariant       *args)
{
  GVariant *results = NULL;
  GMainContext *context;

  g_variant_ref_sink (args);
  g_mutex_lock (&self->lock);
  context = self->host_context ? g_main_context_ref (self->host_context) : NULL;
  g_mutex_unlock (&self->lock);

  if (context == NULL)
    emit_host_call (self, qualified_name, args, &results);
  else
    {
      /* An idle source, not g_main_context_invoke(): that would run the
       * handler right here when nobody owns the context. */
      HostCall call;
      GSource *source = g_idle_source_new ();

      memset (&call, 0, sizeof call);
      call.plugin = self;
      call.qualified_name = qualified_name;
      call.args = args;

      g_mutex_init (&call.lock);
      g_cond_init (&call.done_cond);
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, host_call_dispatch, &call, NULL);
      g_source_set_static_name (source, "[wasmplug] host-call");
      g_source_attach (source, context);
      g_source_unref (source);

      g_mutex_lock (&call.lock);
      while (!call.done)
        g_cond_wait (&call.done_cond, &call.lock);
      g_mutex_unlock (&call.lock);
      g_mutex_clear (&call.lock);
      g_cond_clear (&call.done_cond);
      results = call.results;
      g_main_context_unref (context);
    }
  g_variant_unref (args);
  return results;
}

/* Gives the instance the mode it should run in now (contract: instance mode
 * > engine default > automatic).  Not while a call runs: its frames keep
 * the code they started with.  Called with `lock` held. */
static int
running_mode_now (WasmplugPlugin *self)
{
  WasmplugMode target = self->mode;
  int running;

  if (target == WASMPLUG_MODE_AUTO)
    target = wasmplug_engine_get_default_mode (wasmplug_module_get_engine (self->module));
  running = _wasmplug_mode_to_running_mode (target);
  /* AOT for a module without AOT code (not loaded for it): the engine's
   * automatic choice, as the C API means it */
  if (running == Mode_AOT && self->inst != NULL &&
      !wasm_runtime_module_has_aot_code (wasm_runtime_get_module (self->inst)))
    running = Mode_Default;
  return running;
}

/* `running` is the RunningMode to apply, or -1 for the mode in force now
 * (an async call brings the one in force when it was queued). */
static void
apply_mode_locked (WasmplugPlugin *self,
                   int             running)
{
  if (self->inst == NULL || self->running_thread != NULL)
    return;
  if (running < 0)
    running = running_mode_now (self);
  if (running < 0 || running == self->applied_mode)
    return;
  /* The mode was checked against the engine when it was set. */
  if (wasm_runtime_set_running_mode (self->inst, (RunningMode) running))
    self->applied_mode = running;
}

void
_wasmplug_plugin_apply_mode (WasmplugPlugin *self)
{
  g_mutex_lock (&self->lock);
  apply_mode_locked (self, -1);
  g_mutex_unlock (&self->lock);
}

/**
 * wasmplug_plugin_get_module:
 * @self: a plugin
 *
 * Returns: (transfer none): the module @self is an instance of
 */
WasmplugModule *
wasmplug_plugin_get_module (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  return self->module;
}

/**
 * wasmplug_plugin_get_mode:
 * @self: a plugin
 *
 * Returns: the value of [property@Plugin:mode]
 */
WasmplugMode
wasmplug_plugin_get_mode (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), WASMPLUG_MODE_AUTO);
  return self->mode;
}

/**
 * wasmplug_plugin_set_mode:
 * @self: a plugin
 * @mode: the new mode
 * @error: return location for a #GError
 *
 * Sets [property@Plugin:mode].
 *
 * Returns: %TRUE on success; %FALSE with
 *   %WASMPLUG_ERROR_UNSUPPORTED_MODE when the engine does not support
 *   @mode (the old mode stays)
 */
gboolean
wasmplug_plugin_set_mode (WasmplugPlugin *self,
                          WasmplugMode    mode,
                          GError        **error)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!wasmplug_engine_supports_mode (wasmplug_module_get_engine (self->module), mode))
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_UNSUPPORTED_MODE,
                   _("The running mode “%s” is not supported by this engine"),
                   wasmplug_mode_to_nick (mode));
      return FALSE;
    }
  if (self->mode == mode)
    return TRUE;
  self->mode = mode;
  _wasmplug_plugin_apply_mode (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
  return TRUE;
}

/**
 * wasmplug_plugin_get_effective_mode:
 * @self: a plugin
 *
 * The mode the plugin's next call runs in: never %WASMPLUG_MODE_AUTO,
 * the engine's choice resolved.
 *
 * Returns: the mode in use
 */
WasmplugMode
wasmplug_plugin_get_effective_mode (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), WASMPLUG_MODE_AUTO);

  _wasmplug_plugin_apply_mode (self);
  return _wasmplug_mode_from_running_mode (wasm_runtime_get_running_mode (self->inst));
}

/* The engine's exception without its "Exception: " prefix. */
static const char *
exception_message (const char *exception)
{
  if (g_str_has_prefix (exception, "Exception: "))
    return exception + strlen ("Exception: ");
  return exception;
}

/* --- limits --- */

/**
 * wasmplug_plugin_get_sandbox:
 * @self: a plugin
 *
 * Returns: (transfer none): the value of [property@Plugin:sandbox]
 */
WasmplugSandbox *
wasmplug_plugin_get_sandbox (WasmplugPlugin *self)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  return self->sandbox;
}

/**
 * wasmplug_plugin_get_fuel:
 * @self: a plugin
 *
 * Returns: the value of [property@Plugin:fuel]
 */
guint64
wasmplug_plugin_get_fuel (WasmplugPlugin *self)
{
  guint64 fuel;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), 0);
  g_mutex_lock (&self->lock);
  fuel = self->fuel;
  g_mutex_unlock (&self->lock);
  return fuel;
}

/**
 * wasmplug_plugin_set_fuel:
 * @self: a plugin
 * @fuel: the budget of each call, 0 for none
 *
 * Sets [property@Plugin:fuel]; it applies from the next call on.
 */
void
wasmplug_plugin_set_fuel (WasmplugPlugin *self,
                          guint64         fuel)
{
  gboolean changed;

  g_return_if_fail (WASMPLUG_IS_PLUGIN (self));
  g_mutex_lock (&self->lock);
  changed = self->fuel != fuel;
  self->fuel = fuel;
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FUEL]);
}

/**
 * wasmplug_plugin_get_timeout_ms:
 * @self: a plugin
 *
 * Returns: the value of [property@Plugin:timeout-ms]
 */
guint
wasmplug_plugin_get_timeout_ms (WasmplugPlugin *self)
{
  guint timeout_ms;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), 0);
  g_mutex_lock (&self->lock);
  timeout_ms = self->timeout_ms;
  g_mutex_unlock (&self->lock);
  return timeout_ms;
}

/**
 * wasmplug_plugin_set_timeout_ms:
 * @self: a plugin
 * @timeout_ms: the time limit of each call in milliseconds, 0 for none
 *
 * Sets [property@Plugin:timeout-ms]; it applies from the next call on.
 */
void
wasmplug_plugin_set_timeout_ms (WasmplugPlugin *self,
                                guint           timeout_ms)
{
  gboolean changed;

  g_return_if_fail (WASMPLUG_IS_PLUGIN (self));
  g_mutex_lock (&self->lock);
  changed = self->timeout_ms != timeout_ms;
  self->timeout_ms = timeout_ms;
  g_mutex_unlock (&self->lock);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT_MS]);
}

/**
 * wasmplug_plugin_get_busy:
 * @self: a plugin
 *
 * Whether a call of @self is queued or running, on any thread: the value
 * of [property@Plugin:busy].
 *
 * Returns: %TRUE while a call is queued or runs
 */
gboolean
wasmplug_plugin_get_busy (WasmplugPlugin *self)
{
  gboolean busy;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_mutex_lock (&self->lock);
  busy = self->busy_count > 0;
  g_mutex_unlock (&self->lock);
  return busy;
}

/* Asks the running call `serial` to stop (contract 6: the Wasm code traps
 * at its next loop back-edge or call).  A call that has ended, or one
 * already asked, is left alone, so that no stop request outlives its
 * call. */
static void
request_stop (WasmplugPlugin *self,
              guint           serial,
              StopReason      reason)
{
  g_mutex_lock (&self->lock);
  if (self->running_thread != NULL && self->call_serial == serial
      && self->stop_reason == STOP_NONE)
    {
      self->stop_reason = reason;
      wasm_runtime_terminate (self->inst);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * wasmplug_plugin_cancel:
 * @self: a plugin
 *
 * Interrupts the call of @self that is running now, if any, from any
 * thread: its Wasm code stops at its next loop back-edge or call, and the
 * call fails with %G_IO_ERROR_CANCELLED.  A host-call handler running at
 * that moment finishes first.  Calls made later are not affected.
 */
void
wasmplug_plugin_cancel (WasmplugPlugin *self)
{
  guint serial;

  g_return_if_fail (WASMPLUG_IS_PLUGIN (self));
  g_mutex_lock (&self->lock);
  serial = self->call_serial;
  g_mutex_unlock (&self->lock);
  request_stop (self, serial, STOP_CANCEL);
}

static gpointer
watchdog_run (gpointer data)
{
  g_main_loop_run (data);
  return NULL;
}

/* The timer of a call's time limit runs in a thread of its own, so that it
 * fires whatever the caller's thread is doing. */
static GMainContext *
watchdog_context (void)
{
  static GMainContext *context;
  static gsize made = 0;

  if (g_once_init_enter (&made))
    {
      GMainLoop *loop;

      context = g_main_context_new ();
      loop = g_main_loop_new (context, FALSE);
      g_thread_unref (g_thread_new ("wasmplug-watchdog", watchdog_run, loop));
      g_once_init_leave (&made, 1);
    }
  return context;
}

typedef struct
{
  WasmplugPlugin *plugin; /* a reference */
  guint serial;
} Watch;

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  g_object_unref (watch->plugin);
  g_free (watch);
}

static gboolean
watch_expired (gpointer data)
{
  Watch *watch = data;

  request_stop (watch->plugin, watch->serial, STOP_TIMEOUT);
  return G_SOURCE_REMOVE;
}

static void
call_cancelled (GCancellable *cancellable,
                gpointer      data)
{
  Watch *watch = data;

  request_stop (watch->plugin, watch->serial, STOP_CANCEL);
}

/* What an outermost call arms and disarms. */
typedef struct
{
  gboolean outermost;
  gboolean counted_busy;   /* a synchronous call: it counts itself in busy_count */
  gboolean run_initialize; /* the first call runs a reactor's _initialize first */
  guint serial;
  GSource *timeout;
  GCancellable *cancellable;
  gulong cancelled_id;
} CallGuard;

/* Starts a call on this thread.  A call made while another thread runs
 * the plugin waits for it when `wait` (async calls queue up) and fails
 * with BUSY otherwise; a call made on the thread already running it (a
 * host-call handler calling back) nests. */
static gboolean
call_begin (WasmplugPlugin *self,
            GMainContext   *host_context,
            gboolean        wait,
            int             running_mode,
            GCancellable   *cancellable,
            CallGuard      *guard,
            GError        **error)
{
  GThread *me = g_thread_self ();
  wasm_memory_inst_t memory;
  guint timeout_ms;

  memset (guard, 0, sizeof *guard);
  g_mutex_lock (&self->lock);
  if (self->running_thread == me)
    {
      self->call_depth++;
      g_mutex_unlock (&self->lock);
      return TRUE;
    }
  if (!wait)
    {
      /* Busy: another thread runs a call, or an async call is queued. */
      if (self->busy_count > 0)
        {
          g_mutex_unlock (&self->lock);
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_BUSY,
                       _("The plugin is running a call on another thread"));
          return FALSE;
        }
      self->busy_count++;
      guard->counted_busy = TRUE;
    }
  while (self->running_thread != NULL)
    g_cond_wait (&self->idle, &self->lock);

  apply_mode_locked (self, running_mode);
  self->running_thread = me;
  self->call_depth = 1;
  self->call_serial++;
  self->stop_reason = STOP_NONE;
  self->host_context = host_context ? g_main_context_ref (host_context) : NULL;
  wasm_runtime_set_instruction_count_limit (self->exec_env,
                                            self->fuel == 0 ? -1
                                            : (int) MIN (self->fuel, (guint64) G_MAXINT));
  guard->outermost = TRUE;
  guard->run_initialize = !self->initialized;
  self->initialized = TRUE;
  guard->serial = self->call_serial;
  timeout_ms = self->timeout_ms;
  g_clear_pointer (&self->host_failure, g_free);
  memory = wasm_runtime_get_default_memory (self->inst);
  self->refused_grows = memory != NULL ? wasm_memory_get_refused_grow_count (memory) : 0;
  g_mutex_unlock (&self->lock);

  if (guard->counted_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  if (timeout_ms > 0)
    {
      Watch *watch = g_new0 (Watch, 1);

      watch->plugin = g_object_ref (self);
      watch->serial = guard->serial;
      guard->timeout = g_timeout_source_new (timeout_ms);
      g_source_set_callback (guard->timeout, watch_expired, watch, watch_free);
      g_source_set_static_name (guard->timeout, "[wasmplug] call time limit");
      g_source_attach (guard->timeout, watchdog_context ());
    }
  if (cancellable != NULL)
    {
      Watch *watch = g_new0 (Watch, 1);

      watch->plugin = g_object_ref (self);
      watch->serial = guard->serial;
      guard->cancellable = g_object_ref (cancellable);
      /* Runs call_cancelled at once when already cancelled. */
      guard->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (call_cancelled),
                                                   watch, watch_free);
    }
  return TRUE;
}

/* Ends the call begun with `guard`: gives the failure its error (taking
 * the engine's exception) when `ok` is FALSE, and leaves the instance
 * ready for the next call. */
static void
call_end (WasmplugPlugin *self,
          CallGuard      *guard,
          const char     *name,
          gboolean        ok,
          GError        **error)
{
  if (guard->timeout != NULL)
    {
      g_source_destroy (guard->timeout);
      g_clear_pointer (&guard->timeout, g_source_unref);
    }
  if (guard->cancellable != NULL)
    {
      /* Waits for a call_cancelled running in another thread. */
      g_cancellable_disconnect (guard->cancellable, guard->cancelled_id);
      g_clear_object (&guard->cancellable);
    }

  g_mutex_lock (&self->lock);
  if (!ok)
    {
      const char *exception = wasm_runtime_get_exception (self->inst);
      const char *text = exception ? exception_message (exception) : _("the call failed");
      gboolean terminated = g_str_equal (text, "terminated by user");
      guint max_pages = wasmplug_sandbox_get_max_memory_pages (self->sandbox);
      wasm_memory_inst_t memory = wasm_runtime_get_default_memory (self->inst);
      /* The sandbox's cap is in force when it is the memory's maximum
       * (it is not applied above the module's own maximum). */
      gboolean capped = max_pages > 0 && memory != NULL
                        && wasm_memory_get_max_page_count (memory) == max_pages;

      if (terminated && self->stop_reason == STOP_TIMEOUT)
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The call of “%s” was stopped at its time limit of %u ms",
                                  "The call of “%s” was stopped at its time limit of %u ms",
                                  self->timeout_ms),
                     name, self->timeout_ms);
      else if (terminated && self->stop_reason == STOP_CANCEL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                     _("The call of “%s” was cancelled"), name);
      else if (g_str_equal (text, "fuel exhausted"))
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The call of “%s” used up its fuel (%" PRIu64 " unit)",
                                  "The call of “%s” used up its fuel (%" PRIu64 " units)",
                                  (gulong) MIN (self->fuel, G_MAXULONG)),
                     name, self->fuel);
      else if (g_str_equal (text, "call stack exhausted"))
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                     _("The call of “%s” used up the plugin’s stack"), name);
      else if (self->host_failure != NULL && *text != '\0'
               && g_str_has_prefix (self->host_failure, text))
        /* A host import left unanswered or answered wrongly: the host's
         * fault, not the plugin's (the engine may have cut the text). */
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_HOST, "%s", self->host_failure);
      else if (capped && memory != NULL
               && wasm_memory_get_refused_grow_count (memory) > self->refused_grows)
        /* The rule: a call that fails after the sandbox refused it memory
         * (memory.grow past max-memory-pages) during that call is LIMIT,
         * whatever trap the code then ran into; every other trap is TRAP,
         * even with the memory at its cap. */
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The call of “%s” failed after the plugin’s memory reached "
                                  "its limit of %u page: %s",
                                  "The call of “%s” failed after the plugin’s memory reached "
                                  "its limit of %u pages: %s",
                                  max_pages),
                     name, max_pages, text);
      else
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_TRAP, "%s", text);
      g_clear_pointer (&self->host_failure, g_free);
      /* The plugin stays usable: the next call starts afresh (clearing
       * the exception also drops a stop request that came too late). */
      wasm_runtime_clear_exception (self->inst);
      /* A handler's call failed while the outer call is being stopped:
       * the outer one must stop too. */
      if (!guard->outermost && self->stop_reason != STOP_NONE)
        wasm_runtime_terminate (self->inst);
    }
  else if (guard->outermost && self->stop_reason != STOP_NONE)
    wasm_runtime_clear_exception (self->inst); /* the request came too late */

  self->call_depth--;
  if (guard->outermost)
    {
      g_assert (self->call_depth == 0);
      self->running_thread = NULL;
      self->stop_reason = STOP_NONE;
      g_clear_pointer (&self->host_context, g_main_context_unref);
      g_cond_broadcast (&self->idle);
    }
  if (guard->counted_busy)
    self->busy_count--;
  g_mutex_unlock (&self->lock);

  if (guard->counted_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
_wasmplug_plugin_set_host_failure (WasmplugPlugin *self,
                                   const char     *message)
{
  g_mutex_lock (&self->lock);
  g_free (self->host_failure);
  self->host_failure = g_strdup (message);
  g_mutex_unlock (&self->lock);
}

/* The whole call: argument checks, the run, the results. */
static GVariant *
call_run (WasmplugPlugin *self,
          const char     *name,
          GVariant       *args,
          GMainContext   *host_context,
          gboolean        wait,
          int             running_mode,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autofree wasm_valkind_t *param_kinds = NULL;
  g_autofree wasm_valkind_t *result_kinds = NULL;
  g_autofree wasm_val_t *params = NULL;
  g_autofree wasm_val_t *results = NULL;
  g_autofree GVariant **items = NULL;
  wasm_function_inst_t func;
  guint32 n_params, n_results;
  CallGuard guard;
  gboolean ok;

  func = wasm_runtime_lookup_function (self->inst, name);
  if (func == NULL)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The plugin exports no function named “%s”"), name);
      return NULL;
    }

  n_params = wasm_func_get_param_count (func, self->inst);
  n_results = wasm_func_get_result_count (func, self->inst);
  param_kinds = g_new0 (wasm_valkind_t, n_params + 1);
  result_kinds = g_new0 (wasm_valkind_t, n_results + 1);
  wasm_func_get_param_types (func, self->inst, param_kinds);
  wasm_func_get_result_types (func, self->inst, result_kinds);

  if (!g_variant_is_of_type (args, G_VARIANT_TYPE_TUPLE)
      || g_variant_n_children (args) != n_params)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The function “%s” takes a tuple of %u argument, "
                                "not a value of type %s",
                                "The function “%s” takes a tuple of %u arguments, "
                                "not a value of type %s",
                                n_params),
                   name, n_params, g_variant_get_type_string (args));
      return NULL;
    }
  for (guint32 i = 0; i < n_results; i++)
    if (_wasmplug_valkind_to_variant_type (result_kinds[i]) == NULL)
      {
        g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                     _("The function “%s” returns a reference or vector value, "
                       "which cannot be returned as a GVariant"), name);
        return NULL;
      }

  params = g_new0 (wasm_val_t, n_params + 1);
  for (guint32 i = 0; i < n_params; i++)
    {
      g_autoptr(GVariant) value = g_variant_get_child_value (args, i);
      const GVariantType *expected = _wasmplug_valkind_to_variant_type (param_kinds[i]);
      guint64 slot;

      if (expected == NULL)
        {
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                       _("Argument %u of “%s” is a reference or vector value, "
                         "which cannot be passed as a GVariant"), i + 1, name);
          return NULL;
        }
      if (!_wasmplug_value_from_variant (param_kinds[i], value, &slot))
        {
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                       _("Argument %u of “%s” has type %s, expected %s"), i + 1, name,
                       g_variant_get_type_string (value), g_variant_type_peek_string (expected));
          return NULL;
        }
      params[i].kind = param_kinds[i];
      switch (param_kinds[i])
        {
        case WASM_I32: params[i].of.i32 = (int32_t) (guint32) slot; break;
        case WASM_I64: params[i].of.i64 = (int64_t) slot; break;
        case WASM_F32: memcpy (&params[i].of.f32, &slot, sizeof (float)); break;
        case WASM_F64: memcpy (&params[i].of.f64, &slot, sizeof (double)); break;
        default: g_assert_not_reached ();
        }
    }

  if (!call_begin (self, host_context, wait, running_mode, cancellable, &guard, error))
    return NULL;
  results = g_new0 (wasm_val_t, n_results + 1);
  g_object_ref (self); /* handlers may drop the caller's reference */
  ok = TRUE;
  if (guard.run_initialize)
    {
      /* A WASI reactor (C with constructors, a runtime to set up) is made
       * ready by its _initialize, run once before the first call rather
       * than at instantiation, so that handlers connected to the new
       * plugin answer the imports it makes. */
      wasm_function_inst_t init = wasm_runtime_lookup_function (self->inst, "_initialize");

      if (init != NULL && func != init
          && wasm_func_get_param_count (init, self->inst) == 0
          && wasm_func_get_result_count (init, self->inst) == 0)
        {
          ok = wasm_runtime_call_wasm_a (self->exec_env, init, 0, NULL, 0, NULL);
          if (!ok)
            name = "_initialize";
        }
    }
  if (ok)
    ok = wasm_runtime_call_wasm_a (self->exec_env, func, n_results, results, n_params, params);
  call_end (self, &guard, name, ok, error);
  g_object_unref (self);
  if (!ok)
    return NULL;

  items = g_new0 (GVariant *, n_results + 1);
  for (guint32 i = 0; i < n_results; i++)
    {
      guint64 slot = 0;

      switch (result_kinds[i])
        {
        case WASM_I32: slot = (guint32) results[i].of.i32; break;
        case WASM_I64: slot = (guint64) results[i].of.i64; break;
        case WASM_F32: memcpy (&slot, &results[i].of.f32, sizeof (float)); break;
        case WASM_F64: memcpy (&slot, &results[i].of.f64, sizeof (double)); break;
        default: g_assert_not_reached ();
        }
      items[i] = _wasmplug_value_to_variant (result_kinds[i], slot);
    }
  return g_variant_ref_sink (g_variant_new_tuple (items, n_results));
}

/**
 * wasmplug_plugin_call:
 * @self: a plugin
 * @name: the name of an exported function
 * @args: (nullable): the arguments, a tuple of the export's parameter
 *   types (see [method@Export.get_params_type]); %NULL for none
 * @error: return location for a #GError
 *
 * Calls an exported function on this thread; its host calls are emitted
 * on this thread too.  The first call of a plugin whose module is a WASI
 * reactor (it exports `_initialize`) runs `_initialize` first.  A floating @args is consumed.  Arguments are given
 * as i32: `i` or `u`, i64: `x` or `t`, f32 and f64: `d` (an f32 argument
 * is rounded to single precision).
 *
 * A host-call handler may call the plugin again (the calls nest).  While
 * another thread runs a call of the plugin (see [method@Plugin.call_async]),
 * the call fails with %WASMPLUG_ERROR_BUSY.
 *
 * A failed call's error says who stopped it:
 *
 * - %WASMPLUG_ERROR_LIMIT: a limit of the host did.  The time limit
 *   ([property@Plugin:timeout-ms]), the fuel ([property@Plugin:fuel]), the
 *   stack ([property@Sandbox:stack-size]), or the memory cap: a call during which
 *   the plugin asked `memory.grow` for more than
 *   [property@Sandbox:max-memory-pages] allows, and was refused, is LIMIT
 *   whatever trap its code then ran into.  A trap in a call that was not
 *   refused memory is TRAP, even when the memory is at its cap.  The time
 *   limit also ends a plugin blocked in a WASI call (`poll_oneoff`, a read
 *   of a pipe).
 * - %G_IO_ERROR_CANCELLED: [method@Plugin.cancel] or the call's
 *   #GCancellable did (they too wake a blocked WASI call).
 * - %WASMPLUG_ERROR_HOST: a host import was not answered, or answered with
 *   the wrong type; the message names the import.
 * - %WASMPLUG_ERROR_TRAP: the plugin's code trapped; the message is the
 *   engine's ("integer divide by zero", ...).
 * - %WASMPLUG_ERROR_INVALID_ARGUMENT: no such export, wrong arity or types.
 * - %WASMPLUG_ERROR_BUSY: see above.
 *
 * After any of them the plugin stays usable.
 *
 * Returns: (transfer full): the results as a tuple (i32 as `i`, i64 as
 *   `x`, f32 and f64 as `d`; `()` when the function has none), or %NULL
 *   with an error as listed above
 */
GVariant *
wasmplug_plugin_call (WasmplugPlugin *self,
                      const char     *name,
                      GVariant       *args,
                      GError        **error)
{
  g_autoptr(GVariant) owned_args = NULL;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_args = g_variant_ref_sink (args ? args : g_variant_new ("()"));
  return call_run (self, name, owned_args, NULL, FALSE, -1, NULL, error);
}

typedef struct
{
  char *name;
  GVariant *args;
  GMainContext *host_context;
  int running_mode;         /* the mode in force when the call was made */
  GAsyncReadyCallback callback;
  gpointer user_data;
} AsyncCall;

static void
async_call_free (gpointer data)
{
  AsyncCall *call = data;

  g_free (call->name);
  g_variant_unref (call->args);
  g_main_context_unref (call->host_context);
  g_free (call);
}

static void
async_call_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  AsyncCall *call = task_data;
  GError *error = NULL;
  GVariant *results;

  results = call_run (source_object, call->name, call->args, call->host_context, TRUE,
                      call->running_mode, cancellable, &error);
  if (results == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, results, (GDestroyNotify) g_variant_unref);
}

/* Runs in the caller's context when the call has ended: the plugin stops
 * being busy just before the caller's callback runs, so that the callback
 * may call it again. */
static void
async_call_done (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      data)
{
  WasmplugPlugin *self = WASMPLUG_PLUGIN (source_object);
  AsyncCall *call = g_task_get_task_data (G_TASK (result));
  gboolean became_idle;

  g_mutex_lock (&self->lock);
  g_assert (self->busy_count > 0);
  became_idle = --self->busy_count == 0;
  g_mutex_unlock (&self->lock);
  if (became_idle)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  if (call->callback != NULL)
    call->callback (source_object, result, call->user_data);
}

/**
 * wasmplug_plugin_call_async:
 * @self: a plugin
 * @name: the name of an exported function
 * @args: (nullable): the arguments, as for [method@Plugin.call]
 * @cancellable: (nullable): a #GCancellable: cancelling it interrupts the
 *   running Wasm code
 * @callback: (scope async): called when the call has ended
 * @user_data: data for @callback
 *
 * Calls an exported function on a worker thread, so the caller's main
 * loop goes on.  Its host calls are emitted in the thread-default main
 * context of the caller (the GTK thread, for an application), while the
 * worker waits for the answer: [signal@Plugin::host-call] handlers run
 * where the application's other code runs.  That context must keep
 * running until the call ends.
 *
 * Calls of one plugin run one at a time: an async call made while another
 * runs waits for it.  It runs in the [property@Plugin:mode] in force when
 * it was made, whatever the mode is when its turn comes.  From the moment
 * it is made until its callback runs, [property@Plugin:busy] is %TRUE and
 * a synchronous call (also one made by a host-call handler of this call,
 * as the worker thread holds the plugin) fails with %WASMPLUG_ERROR_BUSY.
 */
void
wasmplug_plugin_call_async (WasmplugPlugin     *self,
                            const char         *name,
                            GVariant           *args,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncCall *call;
  gboolean became_busy;

  g_return_if_fail (WASMPLUG_IS_PLUGIN (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  call = g_new0 (AsyncCall, 1);
  call->name = g_strdup (name);
  call->args = g_variant_ref_sink (args ? args : g_variant_new ("()"));
  call->host_context = g_main_context_ref_thread_default ();
  call->callback = callback;
  call->user_data = user_data;

  g_mutex_lock (&self->lock);
  call->running_mode = running_mode_now (self);
  became_busy = self->busy_count++ == 0;
  g_mutex_unlock (&self->lock);
  if (became_busy)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  task = g_task_new (self, cancellable, async_call_done, NULL);
  g_task_set_source_tag (task, wasmplug_plugin_call_async);
  g_task_set_name (task, "[wasmplug] call");
  g_task_set_task_data (task, call, async_call_free);
  /* The worker checks the cancellable itself, interrupting the code. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, async_call_thread);
}

/**
 * wasmplug_plugin_call_finish:
 * @self: a plugin
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Ends a call begun with [method@Plugin.call_async].
 *
 * Returns: (transfer full): the results as [method@Plugin.call] gives
 *   them, or %NULL with its errors (%G_IO_ERROR_CANCELLED when the
 *   cancellable was cancelled during the call)
 */
GVariant *
wasmplug_plugin_call_finish (WasmplugPlugin *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wasmplug_plugin_call_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- memory --- */

/* The default memory's bytes and size; FALSE with an error when the plugin
 * has none. */
static gboolean
get_memory (WasmplugPlugin *self,
            guint8        **base,
            guint64        *size,
            GError        **error)
{
  wasm_memory_inst_t memory = self->inst ? wasm_runtime_get_default_memory (self->inst) : NULL;

  if (memory == NULL)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The plugin has no memory"));
      return FALSE;
    }
  *base = wasm_memory_get_base_address (memory);
  *size = wasm_memory_get_cur_page_count (memory) * wasm_memory_get_bytes_per_page (memory);
  return TRUE;
}

static gboolean
check_range (guint64  address,
             guint64  length,
             guint64  size,
             GError **error)
{
  if (address > size || length > size - address)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The range of %" PRIu64 " byte at address %" PRIu64
                                " lies outside the plugin’s memory (%" PRIu64 " bytes)",
                                "The range of %" PRIu64 " bytes at address %" PRIu64
                                " lies outside the plugin’s memory (%" PRIu64 " bytes)",
                                (gulong) MIN (length, G_MAXULONG)),
                   length, address, size);
      return FALSE;
    }
  return TRUE;
}

/**
 * wasmplug_plugin_get_memory_size:
 * @self: a plugin
 *
 * Returns: the size of the plugin's memory in bytes (0 when it has none)
 */
gsize
wasmplug_plugin_get_memory_size (WasmplugPlugin *self)
{
  guint8 *base;
  guint64 size;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), 0);

  if (!get_memory (self, &base, &size, NULL))
    return 0;
  return (gsize) size;
}

/**
 * wasmplug_plugin_read_memory:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @length: the number of bytes
 * @error: return location for a #GError
 *
 * Copies bytes out of the plugin's memory, e.g. in a
 * [signal@Plugin::host-call] handler given a pointer and a length.
 *
 * Returns: (transfer full): the bytes, or %NULL with
 *   %WASMPLUG_ERROR_INVALID_ARGUMENT when the range is out of bounds
 */
GBytes *
wasmplug_plugin_read_memory (WasmplugPlugin *self,
                             guint64         address,
                             gsize           length,
                             GError        **error)
{
  guint8 *base;
  guint64 size;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!get_memory (self, &base, &size, error) || !check_range (address, length, size, error))
    return NULL;
  return g_bytes_new (base + address, length);
}

/**
 * wasmplug_plugin_write_memory:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @bytes: the bytes to write
 * @error: return location for a #GError
 *
 * Copies bytes into the plugin's memory.  Nothing is written when the
 * range is out of bounds.
 *
 * Returns: %TRUE on success; %FALSE with %WASMPLUG_ERROR_INVALID_ARGUMENT
 *   when the range is out of bounds
 */
gboolean
wasmplug_plugin_write_memory (WasmplugPlugin *self,
                              guint64         address,
                              GBytes         *bytes,
                              GError        **error)
{
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_get_data (bytes, &length);
  return wasmplug_plugin_write_memory_data (self, address, data, length, error);
}

/**
 * wasmplug_plugin_write_memory_data:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @data: (array length=length) (element-type guint8) (nullable): the bytes
 *   to write
 * @length: the number of bytes
 * @error: return location for a #GError
 *
 * Copies bytes into the plugin's memory, as [method@Plugin.write_memory]
 * does, from a plain buffer: what PyGObject passes for a `bytes` object
 * and GJS for a `Uint8Array`.
 *
 * Returns: %TRUE on success; %FALSE with %WASMPLUG_ERROR_INVALID_ARGUMENT
 *   when the range is out of bounds (nothing is written)
 */
gboolean
wasmplug_plugin_write_memory_data (WasmplugPlugin *self,
                                   guint64         address,
                                   const guint8   *data,
                                   gsize           length,
                                   GError        **error)
{
  guint8 *base;
  guint64 size;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!get_memory (self, &base, &size, error) || !check_range (address, length, size, error))
    return FALSE;
  if (length > 0)
    memcpy (base + address, data, length);
  return TRUE;
}

/**
 * wasmplug_plugin_read_string:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @max_length: the most bytes to read, or -1 to read up to the NUL
 * @error: return location for a #GError
 *
 * Reads a UTF-8 string from the plugin's memory: up to its NUL byte, or
 * @max_length bytes if that comes first (the way a pointer and a length
 * are passed).
 *
 * Returns: (transfer full): the string, or %NULL with
 *   %WASMPLUG_ERROR_INVALID_ARGUMENT when it runs out of the memory or is
 *   not valid UTF-8
 */
char *
wasmplug_plugin_read_string (WasmplugPlugin *self,
                             guint64         address,
                             gssize          max_length,
                             GError        **error)
{
  guint8 *base;
  guint64 size, limit;
  const guint8 *nul;
  gsize length;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!get_memory (self, &base, &size, error))
    return NULL;
  if (max_length >= 0)
    {
      if (!check_range (address, (guint64) max_length, size, error))
        return NULL;
      limit = (guint64) max_length;
    }
  else
    {
      if (!check_range (address, 0, size, error))
        return NULL;
      limit = size - address;
    }
  nul = memchr (base + address, 0, limit);
  if (nul == NULL && max_length < 0)
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The string at address %" PRIu64
                     " has no end inside the plugin’s memory"), address);
      return NULL;
    }
  length = nul ? (gsize) (nul - (base + address)) : (gsize) limit;
  if (!g_utf8_validate_len ((const char *) base + address, length, NULL))
    {
      g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_INVALID_ARGUMENT,
                   _("The string at address %" PRIu64 " is not valid UTF-8"), address);
      return NULL;
    }
  return g_strndup ((const char *) base + address, length);
}

/**
 * wasmplug_plugin_write_string:
 * @self: a plugin
 * @address: a guest address in the plugin's memory
 * @string: a string
 * @error: return location for a #GError
 *
 * Writes @string and its terminating NUL byte into the plugin's memory.
 * Nothing is written when it does not fit.
 *
 * Returns: %TRUE on success; %FALSE with %WASMPLUG_ERROR_INVALID_ARGUMENT
 *   when the range is out of bounds
 */
gboolean
wasmplug_plugin_write_string (WasmplugPlugin *self,
                              guint64         address,
                              const char     *string,
                              GError        **error)
{
  guint8 *base;
  guint64 size;
  gsize length;

  g_return_val_if_fail (WASMPLUG_IS_PLUGIN (self), FALSE);
  g_return_val_if_fail (string != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  length = strlen (string) + 1;
  if (!get_memory (self, &base, &size, error) || !check_range (address, length, size, error))
    return FALSE;
  memcpy (base + address, string, length);
  return TRUE;
}
