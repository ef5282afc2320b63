/* wasmplug-sandbox.c: WasmplugSandbox, what a plugin is given when it is
 * made: WASI grants (directories, environment, arguments) and the limits
 * fixed at instantiation (memory pages, stack size).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "wasmplug-private.h"

/**
 * WasmplugSandbox:
 *
 * What a plugin may touch and how much it may take, decided by the host
 * before the plugin exists and given to
 * [method@Module.instantiate_with_sandbox].
 *
 * A plugin made without a sandbox, or with a new one, has no file system,
 * no environment variables and no arguments (its WASI calls answer with
 * the proper errors), the memory its module declares, and the default
 * Wasm stack of 1 MiB.  Each grant is explicit:
 *
 * ```c
 * g_autoptr(WasmplugSandbox) sandbox = wasmplug_sandbox_new ();
 * wasmplug_sandbox_add_directory (sandbox, "/data", data_dir, TRUE);
 * wasmplug_sandbox_set_env (sandbox, "LANG", "C.UTF-8");
 * wasmplug_sandbox_set_max_memory_pages (sandbox, 256);   // 16 MiB
 * plugin = wasmplug_module_instantiate_with_sandbox (module, sandbox, &error);
 * ```
 *
 * The sandbox is read when a plugin is made: changing it later does not
 * change plugins made from it.  Limits that may change between calls
 * (time, fuel) are properties of [class@Plugin].
 */
typedef struct
{
  char *guest_path;
  GFile *host;
  gboolean read_only;
} Directory;

struct _WasmplugSandbox
{
  GObject parent_instance;

  GArray *directories; /* of Directory */
  GPtrArray *environ;  /* "NAME=VALUE", NULL-terminated */
  GStrv args;          /* never NULL */
  guint max_memory_pages;
  guint max_table_elements;
  guint stack_size;
};

G_DEFINE_FINAL_TYPE (WasmplugSandbox, wasmplug_sandbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_MEMORY_PAGES,
  PROP_MAX_TABLE_ELEMENTS,
  PROP_STACK_SIZE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
directory_clear (gpointer data)
{
  Directory *dir = data;

  g_free (dir->guest_path);
  g_clear_object (&dir->host);
}

static void
wasmplug_sandbox_finalize (GObject *object)
{
  WasmplugSandbox *self = WASMPLUG_SANDBOX (object);

  g_array_unref (self->directories);
  g_ptr_array_unref (self->environ);
  g_strfreev (self->args);

  G_OBJECT_CLASS (wasmplug_sandbox_parent_class)->finalize (object);
}

static void
wasmplug_sandbox_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  WasmplugSandbox *self = WASMPLUG_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_MAX_MEMORY_PAGES:
      g_value_set_uint (value, self->max_memory_pages);
      break;
    case PROP_MAX_TABLE_ELEMENTS:
      g_value_set_uint (value, self->max_table_elements);
      break;
    case PROP_STACK_SIZE:
      g_value_set_uint (value, self->stack_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_sandbox_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  WasmplugSandbox *self = WASMPLUG_SANDBOX (object);

  switch (prop_id)
    {
    case PROP_MAX_MEMORY_PAGES:
      wasmplug_sandbox_set_max_memory_pages (self, g_value_get_uint (value));
      break;
    case PROP_MAX_TABLE_ELEMENTS:
      wasmplug_sandbox_set_max_table_elements (self, g_value_get_uint (value));
      break;
    case PROP_STACK_SIZE:
      wasmplug_sandbox_set_stack_size (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wasmplug_sandbox_class_init (WasmplugSandboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = wasmplug_sandbox_finalize;
  object_class->get_property = wasmplug_sandbox_get_property;
  object_class->set_property = wasmplug_sandbox_set_property;

  /**
   * WasmplugSandbox:max-memory-pages:
   *
   * The most 64 KiB pages the plugin's memory may grow to; 0 leaves the
   * module's own maximum.  A module whose memory starts larger cannot be
   * instantiated (%WASMPLUG_ERROR_LIMIT); past it, `memory.grow` fails
   * (returns -1) as the Wasm specification says, and a trap that follows
   * while the memory is at the limit is reported as
   * %WASMPLUG_ERROR_LIMIT.
   */
  properties[PROP_MAX_MEMORY_PAGES] =
    g_param_spec_uint ("max-memory-pages", NULL, NULL, 0, 65536, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugSandbox:max-table-elements:
   *
   * The most elements each table the plugin defines may have; 0 is the
   * engine's cap, 10,000,000 (as in V8), which is also the highest value.
   * A module whose table starts larger cannot be instantiated
   * (%WASMPLUG_ERROR_LIMIT); past it, `table.grow` fails (returns -1) as
   * the Wasm specification says.
   */
  properties[PROP_MAX_TABLE_ELEMENTS] =
    g_param_spec_uint ("max-table-elements", NULL, NULL, 0, 10000000, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * WasmplugSandbox:stack-size:
   *
   * The size in bytes of the plugin's Wasm stack (frames, locals and
   * operands); 0 is the default, 1 MiB.  Running out of it is
   * %WASMPLUG_ERROR_LIMIT.
   */
  properties[PROP_STACK_SIZE] =
    g_param_spec_uint ("stack-size", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wasmplug_sandbox_init (WasmplugSandbox *self)
{
  self->directories = g_array_new (FALSE, TRUE, sizeof (Directory));
  g_array_set_clear_func (self->directories, directory_clear);
  self->environ = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->environ, NULL);
  self->args = g_new0 (char *, 1);
}

/**
 * wasmplug_sandbox_new:
 *
 * Returns: (transfer full): a sandbox that grants nothing
 */
WasmplugSandbox *
wasmplug_sandbox_new (void)
{
  return g_object_new (WASMPLUG_TYPE_SANDBOX, NULL);
}

/**
 * wasmplug_sandbox_add_directory:
 * @self: a sandbox
 * @guest_path: the name the plugin sees the directory by (e.g. `/data`
 *   or `.`)
 * @host_directory: the directory on the host
 * @read_only: whether the plugin may only read: writing, creating,
 *   removing, renaming and linking below it then fail with WASI's
 *   `ENOTCAPABLE`
 *
 * Grants the plugin a directory.  Its paths resolve inside it only:
 * `..`, absolute paths and symbolic links that would leave it fail.  The
 * host directory must exist when the plugin is made.
 */
void
wasmplug_sandbox_add_directory (WasmplugSandbox *self,
                                const char      *guest_path,
                                GFile           *host_directory,
                                gboolean         read_only)
{
  Directory dir;

  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));
  g_return_if_fail (guest_path != NULL && *guest_path != '\0');
  g_return_if_fail (G_IS_FILE (host_directory));

  dir.guest_path = g_strdup (guest_path);
  dir.host = g_object_ref (host_directory);
  dir.read_only = !!read_only;
  g_array_append_val (self->directories, dir);
}

/**
 * wasmplug_sandbox_get_n_directories:
 * @self: a sandbox
 *
 * Returns: how many directories @self grants
 */
guint
wasmplug_sandbox_get_n_directories (WasmplugSandbox *self)
{
  g_return_val_if_fail (WASMPLUG_IS_SANDBOX (self), 0);
  return self->directories->len;
}

/**
 * wasmplug_sandbox_get_directory:
 * @self: a sandbox
 * @index: which grant, below [method@Sandbox.get_n_directories]
 * @guest_path: (out) (optional) (transfer none): the name the plugin sees
 * @host_directory: (out) (optional) (transfer none): the host directory
 * @read_only: (out) (optional): whether the grant is read-only
 *
 * Gives one granted directory, in the order they were added.
 */
void
wasmplug_sandbox_get_directory (WasmplugSandbox *self,
                                guint            index,
                                const char     **guest_path,
                                GFile          **host_directory,
                                gboolean        *read_only)
{
  const Directory *dir;

  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));
  g_return_if_fail (index < self->directories->len);

  dir = &g_array_index (self->directories, Directory, index);
  if (guest_path)
    *guest_path = dir->guest_path;
  if (host_directory)
    *host_directory = dir->host;
  if (read_only)
    *read_only = dir->read_only;
}

/**
 * wasmplug_sandbox_set_env:
 * @self: a sandbox
 * @name: a variable name (no `=`)
 * @value: (nullable): its value, or %NULL to remove it
 *
 * Sets an environment variable the plugin sees.  The host's own
 * environment is never passed on.
 */
void
wasmplug_sandbox_set_env (WasmplugSandbox *self,
                          const char      *name,
                          const char      *value)
{
  gsize name_len;

  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));
  g_return_if_fail (name != NULL && *name != '\0' && strchr (name, '=') == NULL);

  name_len = strlen (name);
  for (guint i = 0; i + 1 < self->environ->len; i++)
    {
      const char *entry = g_ptr_array_index (self->environ, i);

      if (strncmp (entry, name, name_len) == 0 && entry[name_len] == '=')
        {
          g_ptr_array_remove_index (self->environ, i);
          break;
        }
    }
  if (value != NULL)
    g_ptr_array_insert (self->environ, self->environ->len - 1,
                        g_strconcat (name, "=", value, NULL));
}

/**
 * wasmplug_sandbox_get_environ:
 * @self: a sandbox
 *
 * Returns: (transfer full) (array zero-terminated=1): the environment as
 *   `NAME=VALUE` strings, in the order they were set
 */
char **
wasmplug_sandbox_get_environ (WasmplugSandbox *self)
{
  g_return_val_if_fail (WASMPLUG_IS_SANDBOX (self), NULL);
  return g_strdupv ((char **) self->environ->pdata);
}

/**
 * wasmplug_sandbox_set_args:
 * @self: a sandbox
 * @args: (array zero-terminated=1) (nullable): the arguments, `argv[0]`
 *   first (e.g. the plugin's name), or %NULL for none
 *
 * Sets the command-line arguments the plugin sees (WASI `args_get`).
 */
void
wasmplug_sandbox_set_args (WasmplugSandbox    *self,
                           const char * const *args)
{
  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));

  g_strfreev (self->args);
  self->args = args ? g_strdupv ((char **) args) : g_new0 (char *, 1);
}

/**
 * wasmplug_sandbox_get_args:
 * @self: a sandbox
 *
 * Returns: (transfer none) (array zero-terminated=1): the arguments
 */
const char * const *
wasmplug_sandbox_get_args (WasmplugSandbox *self)
{
  g_return_val_if_fail (WASMPLUG_IS_SANDBOX (self), NULL);
  return (const char * const *) self->args;
}

/**
 * wasmplug_sandbox_get_max_memory_pages:
 * @self: a sandbox
 *
 * Returns: the value of [property@Sandbox:max-memory-pages]
 */
guint
wasmplug_sandbox_get_max_memory_pages (WasmplugSandbox *self)
{
  g_return_val_if_fail (WASMPLUG_IS_SANDBOX (self), 0);
  return self->max_memory_pages;
}

/**
 * wasmplug_sandbox_set_max_memory_pages:
 * @self: a sandbox
 * @pages: the most pages, 0 for the module's own maximum
 *
 * Sets [property@Sandbox:max-memory-pages].
 */
void
wasmplug_sandbox_set_max_memory_pages (WasmplugSandbox *self,
                                       guint            pages)
{
  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));
  g_return_if_fail (pages <= 65536);

  if (self->max_memory_pages == pages)
    return;
  self->max_memory_pages = pages;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_MEMORY_PAGES]);
}

/**
 * wasmplug_sandbox_get_max_table_elements:
 * @self: a sandbox
 *
 * Returns: the value of [property@Sandbox:max-table-elements]
 */
guint
wasmplug_sandbox_get_max_table_elements (WasmplugSandbox *self)
{
  g_return_val_if_fail (WASMPLUG_IS_SANDBOX (self), 0);
  return self->max_table_elements;
}

/**
 * wasmplug_sandbox_set_max_table_elements:
 * @self: a sandbox
 * @elements: the most elements of each table, 0 for the engine's cap
 *
 * Sets [property@Sandbox:max-table-elements].
 */
void
wasmplug_sandbox_set_max_table_elements (WasmplugSandbox *self,
                                         guint            elements)
{
  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));
  g_return_if_fail (elements <= 10000000);

  if (self->max_table_elements == elements)
    return;
  self->max_table_elements = elements;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_TABLE_ELEMENTS]);
}

/**
 * wasmplug_sandbox_get_stack_size:
 * @self: a sandbox
 *
 * Returns: the value of [property@Sandbox:stack-size]
 */
guint
wasmplug_sandbox_get_stack_size (WasmplugSandbox *self)
{
  g_return_val_if_fail (WASMPLUG_IS_SANDBOX (self), 0);
  return self->stack_size;
}

/**
 * wasmplug_sandbox_set_stack_size:
 * @self: a sandbox
 * @bytes: the Wasm stack size, 0 for the default
 *
 * Sets [property@Sandbox:stack-size].
 */
void
wasmplug_sandbox_set_stack_size (WasmplugSandbox *self,
                                 guint            bytes)
{
  g_return_if_fail (WASMPLUG_IS_SANDBOX (self));

  if (self->stack_size == bytes)
    return;
  self->stack_size = bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACK_SIZE]);
}

/* Instantiates `module` with what the sandbox grants (NULL: nothing).
 * Called under the host lock (wasmplug-host.c). */
wasm_module_inst_t
_wasmplug_sandbox_instantiate (WasmplugSandbox *self,
                               wasm_module_t    module,
                               GError         **error)
{
  g_autofree WASIDirectory *dirs = NULL;
  g_autofree char **host_paths = NULL;
  InstantiationArgs inst_args = { 0 };
  WASIArguments wasi = { 0 };
  char message[256] = "";
  wasm_module_inst_t inst;
  guint n_dirs = self ? self->directories->len : 0;
  int null_fd;

  if (self != NULL)
    {
      inst_args.default_stack_size = self->stack_size;
      inst_args.max_memory_pages = self->max_memory_pages;
      inst_args.max_table_elements = self->max_table_elements;
    }

  dirs = g_new0 (WASIDirectory, n_dirs + 1);
  host_paths = g_new0 (char *, n_dirs + 1);
  for (guint i = 0; i < n_dirs; i++)
    {
      const Directory *dir = &g_array_index (self->directories, Directory, i);

      host_paths[i] = g_file_get_path (dir->host);
      if (host_paths[i] == NULL
          || !g_file_test (host_paths[i], G_FILE_TEST_IS_DIR))
        {
          g_autofree char *uri = g_file_get_uri (dir->host);

          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LINK,
                       _("The directory “%s” granted as “%s” is not a local directory"),
                       uri, dir->guest_path);
          g_strfreev (g_steal_pointer (&host_paths));
          return NULL;
        }
      dirs[i].guest_path = dir->guest_path;
      dirs[i].host_path = host_paths[i];
      dirs[i].read_only = dir->read_only;
    }
  wasi.dirs = dirs;
  wasi.dir_count = n_dirs;
  if (self != NULL)
    {
      wasi.env = (const char * const *) self->environ->pdata;
      wasi.env_count = self->environ->len - 1;
      wasi.argv = (const char * const *) self->args;
      wasi.argc = g_strv_length (self->args);
    }
  /* The host's stdin is not the plugin's to read: it reads end of file.
   * Its output goes to the host's stdout and stderr, where a desktop
   * session logs it. */
  null_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  wasi.stdin_fd = null_fd;
  wasi.stdout_fd = -1;
  wasi.stderr_fd = -1;

  inst = wasm_runtime_instantiate_wasi (module, &inst_args, &wasi, message, sizeof message);
  if (null_fd >= 0)
    close (null_fd);
  g_strfreev (g_steal_pointer (&host_paths));
  if (inst == NULL)
    {
      /* A table above the cap is the sandbox's limit, not a link fault. */
      g_set_error (error, WASMPLUG_ERROR,
                   strstr (message, "exceeds the limit") ? WASMPLUG_ERROR_LIMIT
                                                         : WASMPLUG_ERROR_LINK,
                   _("Could not instantiate the module: %s"), message);
      return NULL;
    }

  if (inst_args.max_memory_pages > 0)
    {
      wasm_memory_inst_t memory = wasm_runtime_get_default_memory (inst);

      if (memory != NULL && wasm_memory_get_cur_page_count (memory) > inst_args.max_memory_pages)
        {
          g_set_error (error, WASMPLUG_ERROR, WASMPLUG_ERROR_LIMIT,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "The module’s memory starts at %" PRIu64
                                    " pages, more than the limit of %u page",
                                    "The module’s memory starts at %" PRIu64
                                    " pages, more than the limit of %u pages",
                                    inst_args.max_memory_pages),
                       (guint64) wasm_memory_get_cur_page_count (memory),
                       inst_args.max_memory_pages);
          wasm_runtime_deinstantiate (inst);
          return NULL;
        }
    }
  return inst;
}
