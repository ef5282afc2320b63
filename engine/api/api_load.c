/*
 * api_load.c -- the rest of loading (wasm_export.h, "Loading, more ways"):
 * load_ex and its LoadArgs, modules given as section lists, module names,
 * package types and versions, the multi-module reader, InstantiationArgs2,
 * and memories the host makes for imports.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/leb128.h"
#include "../wasi/wasi.h"
#include "api.h"

/* --- load_ex, sections --- */

wasm_module_t wasm_runtime_load_ex(uint8_t *buf, uint32_t size, const LoadArgs *args,
                                   char *error_buf, uint32_t error_buf_size)
{
  wasm_module_t module = wasm_runtime_load(buf, size, error_buf, error_buf_size);
  if (module && args && args->name && args->name[0] &&
      !wasm_runtime_set_module_name(module, args->name, error_buf, error_buf_size)) {
    wasm_runtime_unload(module);
    return NULL;
  }
  return module;
}

bool wasm_runtime_resolve_symbols(wasm_module_t module) { return module != NULL; }

static size_t put_uleb32(uint8_t *out, uint32_t v)
{
  size_t n = 0;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    out[n++] = byte | (v ? 0x80 : 0);
  } while (v);
  return n;
}

wasm_module_t wasm_runtime_load_from_sections(wasm_section_list_t section_list, bool is_aot,
                                              char *error_buf, uint32_t error_buf_size)
{
  if (is_aot) {
    error_set(error_buf, error_buf_size, "AOT section lists are not supported");
    return NULL;
  }
  /* Reassemble the binary: header, then each section as id, size, body. */
  size_t total = 8;
  for (wasm_section_t *s = section_list; s; s = s->next) {
    if (s->section_type < 0 || s->section_type > 255 || (!s->section_body && s->section_body_size)) {
      error_set(error_buf, error_buf_size, "invalid section in the list");
      return NULL;
    }
    total += 1 + 5 + s->section_body_size;
  }
  if (total > UINT32_MAX) {
    error_set(error_buf, error_buf_size, "module too large");
    return NULL;
  }
  uint8_t *bytes = malloc(total);
  if (!bytes) {
    error_set(error_buf, error_buf_size, "out of memory");
    return NULL;
  }
  static const uint8_t header[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  memcpy(bytes, header, 8);
  size_t n = 8;
  for (wasm_section_t *s = section_list; s; s = s->next) {
    bytes[n++] = (uint8_t)s->section_type;
    n += put_uleb32(bytes + n, s->section_body_size);
    if (s->section_body_size)
      memcpy(bytes + n, s->section_body, s->section_body_size);
    n += s->section_body_size;
  }
  wasm_module_t module = wasm_runtime_load(bytes, (uint32_t)n, error_buf, error_buf_size);
  free(bytes); /* the module has its own copy */
  return module;
}

/* --- names --- */

bool wasm_runtime_set_module_name(wasm_module_t module, const char *name, char *error_buf,
                                  uint32_t error_buf_size)
{
  ModuleRef *ref = API_MODULE(module);
  if (!ref || !name)
    return error_set(error_buf, error_buf_size, "invalid argument: a module and a name are needed");
  if (ref->name)
    return strcmp(ref->name, name) == 0 ||
           error_set(error_buf, error_buf_size, "the module is named \"%s\" already", ref->name);
  ref->name = strdup(name);
  return ref->name != NULL || error_set(error_buf, error_buf_size, "out of memory");
}

const char *wasm_runtime_get_module_name(wasm_module_t module)
{
  ModuleRef *ref = API_MODULE(module);
  return ref && ref->name ? ref->name : "";
}

/* --- package types and versions --- */

package_type_t wasm_runtime_get_module_package_type(const wasm_module_t module)
{
  ModuleRef *ref = API_MODULE(module);
  return ref ? get_package_type(ref->module->bytes, (uint32_t)ref->module->size)
             : Package_Type_Unknown;
}

uint32_t wasm_runtime_get_file_package_version(const uint8_t *buf, uint32_t size)
{
  if (get_package_type(buf, size) == Package_Type_Unknown || size < 8)
    return 0;
  return (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
         (uint32_t)buf[7] << 24;
}

uint32_t wasm_runtime_get_module_package_version(const wasm_module_t module)
{
  ModuleRef *ref = API_MODULE(module);
  return ref ? wasm_runtime_get_file_package_version(ref->module->bytes, (uint32_t)ref->module->size)
             : 0;
}

uint32_t wasm_runtime_get_current_package_version(package_type_t package_type)
{
  /* Wasm binary format version 1; no AOT format of our own yet */
  return package_type == Wasm_Module_Bytecode ? 1 : 0;
}

bool wasm_runtime_is_xip_file(const uint8_t *buf, uint32_t size)
{
  (void)buf;
  (void)size;
  return false;
}

bool wasm_runtime_is_underlying_binary_freeable(const wasm_module_t module)
{
  return module != NULL; /* load copies the bytes */
}

char *wasm_runtime_get_module_hash(wasm_module_t module)
{
  (void)module;
  return NULL;
}

/* --- the multi-module reader --- */

static pthread_mutex_t reader_lock = PTHREAD_MUTEX_INITIALIZER;
static module_reader reader_func;
static module_destroyer destroyer_func;

void wasm_runtime_set_module_reader(const module_reader reader, const module_destroyer destroyer)
{
  pthread_mutex_lock(&reader_lock);
  reader_func = reader;
  destroyer_func = destroyer;
  pthread_mutex_unlock(&reader_lock);
}

ModuleRef *api_read_module(const char *name, uint32_t len)
{
  pthread_mutex_lock(&reader_lock);
  module_reader reader = reader_func;
  module_destroyer destroyer = destroyer_func;
  pthread_mutex_unlock(&reader_lock);
  if (!reader || memchr(name, '\0', len))
    return NULL;
  char *cname = malloc((size_t)len + 1);
  if (!cname)
    return NULL;
  memcpy(cname, name, len);
  cname[len] = '\0';
  uint8_t *buf = NULL;
  uint32_t size = 0;
  ModuleRef *ref = NULL;
  if (reader(Wasm_Module_Bytecode, cname, &buf, &size) && buf) {
    char err[128];
    wasm_module_t module = wasm_runtime_load(buf, size, err, sizeof err);
    if (destroyer)
      destroyer(buf, size);
    /* registered, so later importers of the name share the module */
    if (module && wasm_runtime_register_module(cname, module, err, sizeof err)) {
      ref = API_MODULE(module); /* the embedder's reference becomes ours */
      wasm_runtime_set_module_name(module, cname, err, sizeof err);
    } else if (module) {
      wasm_runtime_unload(module);
    }
  }
  free(cname);
  return ref;
}

/* --- InstantiationArgs2 --- */

struct InstantiationArgs2 {
  InstantiationArgs v1;
  /* WASI grants, as wasm_runtime_set_wasi_args_ex takes them */
  char **argv;
  int argc;
  const char **env;
  uint32_t env_count;
  const char **dirs;
  uint32_t dir_count;
  const char **map_dirs;
  uint32_t map_dir_count;
  int64_t stdio[3];
  bool has_wasi;
};

bool wasm_runtime_instantiation_args_create(struct InstantiationArgs2 **p)
{
  if (!p)
    return false;
  *p = calloc(1, sizeof **p);
  if (!*p)
    return false;
  (*p)->stdio[0] = (*p)->stdio[1] = (*p)->stdio[2] = -1;
  return true;
}

void wasm_runtime_instantiation_args_destroy(struct InstantiationArgs2 *p) { free(p); }

void wasm_runtime_instantiation_args_set_default_stack_size(struct InstantiationArgs2 *p, uint32_t v)
{
  if (p)
    p->v1.default_stack_size = v;
}

void wasm_runtime_instantiation_args_set_host_managed_heap_size(struct InstantiationArgs2 *p,
                                                                uint32_t v)
{
  if (p)
    p->v1.host_managed_heap_size = v;
}

void wasm_runtime_instantiation_args_set_max_memory_pages(struct InstantiationArgs2 *p, uint32_t v)
{
  if (p)
    p->v1.max_memory_pages = v;
}

/* The arrays are read at instantiation, as with set_wasi_args they are
 * copied there: they must live until wasm_runtime_instantiate_ex2. */
void wasm_runtime_instantiation_args_set_wasi_arg(struct InstantiationArgs2 *p, char *argv[],
                                                  int argc)
{
  if (p) {
    p->argv = argv;
    p->argc = argc;
    p->has_wasi = true;
  }
}

void wasm_runtime_instantiation_args_set_wasi_env(struct InstantiationArgs2 *p, const char *env[],
                                                  uint32_t env_count)
{
  if (p) {
    p->env = env;
    p->env_count = env_count;
    p->has_wasi = true;
  }
}

void wasm_runtime_instantiation_args_set_wasi_dir(struct InstantiationArgs2 *p,
                                                  const char *dir_list[], uint32_t dir_count,
                                                  const char *map_dir_list[],
                                                  uint32_t map_dir_count)
{
  if (p) {
    p->dirs = dir_list;
    p->dir_count = dir_count;
    p->map_dirs = map_dir_list;
    p->map_dir_count = map_dir_count;
    p->has_wasi = true;
  }
}

void wasm_runtime_instantiation_args_set_wasi_stdio(struct InstantiationArgs2 *p, int64_t stdinfd,
                                                    int64_t stdoutfd, int64_t stderrfd)
{
  if (p) {
    p->stdio[0] = stdinfd;
    p->stdio[1] = stdoutfd;
    p->stdio[2] = stderrfd;
    p->has_wasi = true;
  }
}

wasm_module_inst_t wasm_runtime_instantiate_ex2(const wasm_module_t module,
                                                const struct InstantiationArgs2 *args,
                                                char *error_buf, uint32_t error_buf_size)
{
  if (!args || !args->has_wasi)
    return wasm_runtime_instantiate_ex(module, args ? &args->v1 : NULL, error_buf, error_buf_size);
  WasiArgs *wasi = wasi_args_new(args->dirs, args->dir_count, args->map_dirs, args->map_dir_count,
                                 args->env, args->env_count, args->argv, args->argc,
                                 args->stdio[0], args->stdio[1], args->stdio[2]);
  if (!wasi) {
    error_set(error_buf, error_buf_size, "invalid WASI arguments");
    return NULL;
  }
  wasm_module_inst_t inst =
      api_instantiate_wasi_args(module, &args->v1, wasi, error_buf, error_buf_size);
  wasi_args_free(wasi);
  return inst;
}

/* --- memories made by the host --- */

wasm_memory_inst_t wasm_runtime_create_memory(const wasm_module_t module,
                                              const wasm_memory_type_t type)
{
  (void)module;
  const Limits *l = (const Limits *)type;
  if (!l)
    return NULL;
  char err[128];
  return (wasm_memory_inst_t)memory_new(l->min, l->has_max ? l->max : WASM_MAX_PAGES, l->has_max,
                                        err, sizeof err);
}

void wasm_runtime_destroy_memory(const wasm_module_t module, wasm_memory_inst_t memory_inst)
{
  (void)module;
  if (memory_inst)
    memory_unref(API_MEMORY(memory_inst));
}

wasm_extern_inst_t wasm_runtime_create_imports(wasm_module_t module,
                                               bool (*module_name_filter)(const char *))
{
  ModuleRef *ref = API_MODULE(module);
  if (!ref)
    return NULL;
  const Module *m = ref->module;
  uint32_t n = 0;
  for (uint32_t i = 0; i < m->num_imports; i++)
    if (m->imports[i].kind == EXTERN_MEMORY &&
        (!module_name_filter || module_name_filter(m->imports[i].module_name)))
      n++;
  if (n == 0)
    return NULL;
  /* one more, zeroed, so destroy_imports finds the end */
  WASMExternInstance *out = calloc(n + 1, sizeof *out);
  if (!out)
    return NULL;
  uint32_t k = 0;
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const Import *imp = &m->imports[i];
    if (imp->kind != EXTERN_MEMORY ||
        (module_name_filter && !module_name_filter(imp->module_name)))
      continue;
    out[k].module_name = imp->module_name;
    out[k].field_name = imp->field_name;
    out[k].kind = WASM_IMPORT_EXPORT_KIND_MEMORY;
    out[k].u.memory = wasm_runtime_create_memory(module, (wasm_memory_type_t)&imp->u.memory);
    if (!out[k].u.memory) {
      wasm_runtime_destroy_imports(module, out);
      return NULL;
    }
    k++;
  }
  return out;
}

wasm_extern_inst_t wasm_runtime_create_imports_with_builtin(wasm_module_t module)
{
  return wasm_runtime_create_imports(module, NULL);
}

void wasm_runtime_destroy_imports(wasm_module_t module, wasm_extern_inst_t imports)
{
  if (!imports)
    return;
  for (WASMExternInstance *e = imports; e->module_name; e++)
    if (e->kind == WASM_IMPORT_EXPORT_KIND_MEMORY)
      wasm_runtime_destroy_memory(module, e->u.memory);
  free(imports);
}

bool wasm_runtime_is_import_global_linked(const char *module_name, const char *global_name)
{
  (void)module_name;
  (void)global_name;
  return false;
}
