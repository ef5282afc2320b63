/*
 * wasm_export.c -- the embedding API (include/wasm_export.h): the runtime,
 * running modes, modules, linking and instances, exec envs, calls and
 * exceptions.  Memory and addresses are in api_memory.c, import/export
 * introspection in api_types.c.
 *
 * Wrong use (NULL handles, wrong counts or kinds, a function of another
 * instance) returns false/NULL with an error or an exception, never crashes.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../decode/decoder.h"
#include "../runtime/native.h"
#include "../runtime/tiers.h"
#include "../validate/validator.h"
#include "../wasi/wasi.h"
#include "api.h"
#include "wp_config.h"
#if WP_HAVE_LLVM_JIT
#include "../jit-llvm/llvm_jit.h"
#endif

/* --- runtime state --- */

/* A name registered for linking: an instance (register_module_instance) or a
 * module instantiated for each importer (register_module). */
typedef struct Registered {
  char *name;
  Instance *inst;
  ModuleRef *module;
  struct Registered *next;
} Registered;

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;
static Registered *registered_instances;
static Registered *registered_modules;
static log_level_t log_level = WASM_LOG_LEVEL_WARNING;

static void api_log(log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void api_log(log_level_t level, const char *fmt, ...)
{
  if (level > log_level)
    return;
  va_list ap;
  va_start(ap, fmt);
  fputs("wasmplug: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

static void registered_free(Registered *r)
{
  while (r) {
    Registered *next = r->next;
    if (r->inst)
      instance_unref(r->inst);
    if (r->module)
      module_ref_release(r->module);
    free(r->name);
    free(r);
    r = next;
  }
}

bool wasm_runtime_full_init(RuntimeInitArgs *init_args)
{
  RuntimeInitArgs zero;
  if (!init_args) {
    memset(&zero, 0, sizeof zero);
    init_args = &zero;
  }
  if (init_args->running_mode != Mode_Default &&
      !wasm_runtime_is_running_mode_supported(init_args->running_mode)) {
    api_log(WASM_LOG_LEVEL_ERROR, "running mode %d is not supported by this build",
            (int)init_args->running_mode);
    return false;
  }
  pthread_mutex_lock(&runtime_lock);
  bool first = init_count == 0;
  pthread_mutex_unlock(&runtime_lock);
  if (first && !memory_install_fault_handler()) {
    api_log(WASM_LOG_LEVEL_ERROR, "cannot install the memory fault handler");
    return false;
  }
  /* The built-in libc first: natives registered later win over it. */
  if (first) {
    char err[160];
    if (!api_libc_register(err, sizeof err)) {
      api_log(WASM_LOG_LEVEL_ERROR, "%s", err);
      return false;
    }
  }
  if (init_args->n_native_symbols) {
    char err[160];
    if (!native_register(init_args->native_module_name, init_args->native_symbols,
                         init_args->n_native_symbols, false, err, sizeof err)) {
      api_log(WASM_LOG_LEVEL_ERROR, "%s", err);
      return false;
    }
  }
  if (init_args->running_mode != Mode_Default)
    tier_set_default(init_args->running_mode);
  if (init_args->llvm_jit_opt_level || init_args->llvm_jit_size_level)
    wasm_runtime_set_llvm_jit_options(init_args->llvm_jit_opt_level ? init_args->llvm_jit_opt_level : 3,
                                      init_args->llvm_jit_size_level, false);
  /* WASI's host functions, registered first so an embedder's own natives
   * for the same names win (the latest registration is found first). */
  if (first && !wasi_register()) {
    api_log(WASM_LOG_LEVEL_ERROR, "cannot register the WASI functions");
    return false;
  }
  pthread_mutex_lock(&runtime_lock);
  init_count++;
  pthread_mutex_unlock(&runtime_lock);
  return true;
}

bool wasm_runtime_init(void) { return wasm_runtime_full_init(NULL); }

bool wasm_runtime_set_llvm_jit_options(uint32_t opt_level, uint32_t size_level, bool eager)
{
#if WP_HAVE_LLVM_JIT
  if (opt_level > 3 || size_level > 2)
    return false;
  llvm_jit_set_options(opt_level, size_level, eager);
  return true;
#else
  (void)opt_level, (void)size_level, (void)eager;
  return false;
#endif
}

void wasm_runtime_destroy(void)
{
  pthread_mutex_lock(&runtime_lock);
  if (init_count == 0 || --init_count > 0) {
    pthread_mutex_unlock(&runtime_lock);
    return;
  }
  Registered *insts = registered_instances, *mods = registered_modules;
  registered_instances = registered_modules = NULL;
  pthread_mutex_unlock(&runtime_lock);
  registered_free(insts);
  registered_free(mods);
  native_unregister_all();
  tier_set_default(TIER_DEFAULT);
}

void wasm_runtime_set_log_level(log_level_t level) { log_level = level; }

void wasm_runtime_get_version(uint32_t *major, uint32_t *minor, uint32_t *patch)
{
  if (major)
    *major = WP_VERSION_MAJOR;
  if (minor)
    *minor = WP_VERSION_MINOR;
  if (patch)
    *patch = WP_VERSION_PATCH;
}

void *wasm_runtime_malloc(unsigned int size) { return malloc(size ? size : 1); }
void *wasm_runtime_realloc(void *ptr, unsigned int size) { return realloc(ptr, size ? size : 1); }
void wasm_runtime_free(void *ptr) { free(ptr); }

bool wasm_runtime_init_thread_env(void) { return true; }
void wasm_runtime_destroy_thread_env(void) {}
bool wasm_runtime_thread_env_inited(void) { return true; }

/* --- running modes (the choice itself is tiers.c's) --- */

bool wasm_runtime_is_running_mode_supported(RunningMode running_mode)
{
  if (running_mode == Mode_Default)
    return true;
  return (int)running_mode > TIER_DEFAULT && (int)running_mode < TIER_COUNT &&
         tier_is_supported((int)running_mode);
}

bool wasm_runtime_set_default_running_mode(RunningMode running_mode)
{
  if (!wasm_runtime_is_running_mode_supported(running_mode))
    return false;
  tier_set_default((int)running_mode);
  return true;
}

bool wasm_runtime_set_running_mode(wasm_module_inst_t module_inst, RunningMode running_mode)
{
  if (!module_inst || !wasm_runtime_is_running_mode_supported(running_mode))
    return false;
  instance_set_running_mode(API_INST(module_inst), (int)running_mode);
  return true;
}

RunningMode wasm_runtime_get_running_mode(wasm_module_inst_t module_inst)
{
  if (!module_inst)
    return Mode_Default;
  return (RunningMode)tier_effective(API_INST(module_inst));
}

/* --- modules --- */

package_type_t get_package_type(const uint8_t *buf, uint32_t size)
{
  if (!buf || size < 4)
    return Package_Type_Unknown;
  if (memcmp(buf, "\0asm", 4) == 0)
    return Wasm_Module_Bytecode;
  if (memcmp(buf, "\0aot", 4) == 0)
    return Wasm_Module_AoT;
  return Package_Type_Unknown;
}

package_type_t wasm_runtime_get_file_package_type(const uint8_t *buf, uint32_t size)
{
  return get_package_type(buf, size);
}

wasm_module_t wasm_runtime_load(uint8_t *buf, uint32_t size, char *error_buf,
                                uint32_t error_buf_size)
{
  if (!buf) {
    error_set(error_buf, error_buf_size, "invalid argument: no module bytes");
    return NULL;
  }
  Module *m = decode_module(buf, size, error_buf, error_buf_size);
  if (!m)
    return NULL;
  if (!validate_module(m, error_buf, error_buf_size)) {
    module_free(m);
    return NULL;
  }
  ModuleRef *ref = calloc(1, sizeof *ref);
  if (!ref) {
    module_free(m);
    error_set(error_buf, error_buf_size, "out of memory");
    return NULL;
  }
  ref->module = m;
  atomic_init(&ref->refcount, 1);
  return (wasm_module_t)ref;
}

void module_ref_acquire(ModuleRef *ref) { atomic_fetch_add(&ref->refcount, 1); }

ModuleRef *module_ref_new(Module *m)
{
  ModuleRef *ref = calloc(1, sizeof *ref);
  if (!ref)
    return NULL;
  ref->module = m;
  atomic_init(&ref->refcount, 1);
  return ref;
}

Module *module_ref_module(ModuleRef *ref) { return ref->module; }

void module_ref_release(ModuleRef *ref)
{
  if (ref && atomic_fetch_sub(&ref->refcount, 1) == 1) {
    module_free(ref->module);
    wasi_args_free(ref->wasi_args);
    free(ref->name);
    free(ref);
  }
}

void wasm_runtime_unload(wasm_module_t module) { module_ref_release(API_MODULE(module)); }

const uint8_t *wasm_runtime_get_custom_section(const wasm_module_t module, const char *name,
                                               uint32_t *len)
{
  if (!module || !name)
    return NULL;
  const Module *m = API_MODULE(module)->module;
  for (uint32_t i = 0; i < m->num_customs; i++)
    if (strcmp(m->customs[i].name, name) == 0) {
      if (len)
        *len = m->customs[i].size;
      return m->customs[i].data;
    }
  return NULL;
}

/* --- names registered for linking --- */

static bool name_is(const char *name, const char *s, uint32_t len)
{
  return strlen(name) == len && memcmp(name, s, len) == 0;
}

/* Adds or replaces `name` in *list; takes over the reference in inst/module. */
static bool registered_put(Registered **list, const char *name, Instance *inst, ModuleRef *module)
{
  Registered *r = calloc(1, sizeof *r);
  if (!r || !(r->name = strdup(name))) {
    free(r);
    return false;
  }
  r->inst = inst;
  r->module = module;
  pthread_mutex_lock(&runtime_lock);
  Registered *old = NULL;
  for (Registered **p = list; *p; p = &(*p)->next)
    if (strcmp((*p)->name, name) == 0) {
      old = *p;
      *p = old->next;
      old->next = NULL;
      break;
    }
  r->next = *list;
  *list = r;
  pthread_mutex_unlock(&runtime_lock);
  registered_free(old);
  return true;
}

static Registered *registered_take(Registered **list, const char *name)
{
  Registered *found = NULL;
  pthread_mutex_lock(&runtime_lock);
  for (Registered **p = list; *p; p = &(*p)->next)
    if (strcmp((*p)->name, name) == 0) {
      found = *p;
      *p = found->next;
      found->next = NULL;
      break;
    }
  pthread_mutex_unlock(&runtime_lock);
  return found;
}

bool wasm_runtime_register_module_instance(const char *name, wasm_module_inst_t module_inst)
{
  if (!name || !module_inst)
    return false;
  instance_ref(API_INST(module_inst));
  if (!registered_put(&registered_instances, name, API_INST(module_inst), NULL)) {
    instance_unref(API_INST(module_inst));
    return false;
  }
  return true;
}

bool wasm_runtime_unregister_module_instance(const char *name)
{
  if (!name)
    return false;
  Registered *r = registered_take(&registered_instances, name);
  registered_free(r);
  return r != NULL;
}

bool wasm_runtime_register_module(const char *module_name, wasm_module_t module, char *error_buf,
                                  uint32_t error_buf_size)
{
  if (!module_name || !module)
    return error_set(error_buf, error_buf_size, "invalid argument: a name and a module are required");
  module_ref_acquire(API_MODULE(module));
  if (!registered_put(&registered_modules, module_name, NULL, API_MODULE(module))) {
    module_ref_release(API_MODULE(module));
    return error_set(error_buf, error_buf_size, "out of memory");
  }
  return true;
}

wasm_module_t wasm_runtime_find_module_registered(const char *module_name)
{
  if (!module_name)
    return NULL;
  ModuleRef *found = NULL;
  pthread_mutex_lock(&runtime_lock);
  for (Registered *r = registered_modules; r; r = r->next)
    if (strcmp(r->name, module_name) == 0) {
      found = r->module;
      break;
    }
  pthread_mutex_unlock(&runtime_lock);
  return (wasm_module_t)found;
}

/* The instance registered as the name of len bytes, with a reference. */
static Instance *registered_instance_get(const char *name, uint32_t len)
{
  Instance *found = NULL;
  pthread_mutex_lock(&runtime_lock);
  for (Registered *r = registered_instances; r; r = r->next)
    if (name_is(r->name, name, len)) {
      found = r->inst;
      instance_ref(found);
      break;
    }
  pthread_mutex_unlock(&runtime_lock);
  return found;
}

static ModuleRef *registered_module_get(const char *name, uint32_t len)
{
  ModuleRef *found = NULL;
  pthread_mutex_lock(&runtime_lock);
  for (Registered *r = registered_modules; r; r = r->next)
    if (name_is(r->name, name, len)) {
      found = r->module;
      module_ref_acquire(found);
      break;
    }
  pthread_mutex_unlock(&runtime_lock);
  return found;
}

/* --- linking and instantiation --- */

/* Registered modules instantiate registered modules: a bound on the depth
 * turns a cycle into an error instead of a crash. */
#define MAX_LINK_DEPTH 16

typedef struct Linker {
  InstanceLimits limits; /* also for the registered modules it instantiates */
  uint32_t depth;
  /* instances this link made or looked up, released once instance_new has
   * taken its own references on what it imported */
  Instance **held;
  uint32_t num_held, cap_held;
  /* the instance made for each registered module used, by name */
  struct {
    char *name;
    Instance *inst;
  } *made;
  uint32_t num_made;
  /* imports the host gave in InstantiationArgs, found first */
  const WASMExternInstance *host_imports;
  uint32_t num_host_imports;
  char error[200];
} Linker;

static Instance *instantiate(ModuleRef *ref, const InstanceLimits *limits, uint32_t depth,
                             const WasiArgs *wasi, char *err, uint32_t err_size);
static Instance *instantiate_with(ModuleRef *ref, const InstanceLimits *limits, uint32_t depth,
                                  const WasiArgs *wasi, const InstantiationArgs *args, char *err,
                                  uint32_t err_size);

/* Keeps a reference until the link is over; drops it at once if it cannot. */
static void linker_hold(Linker *lk, Instance *inst)
{
  if (lk->num_held == lk->cap_held) {
    uint32_t cap = lk->cap_held ? 2 * lk->cap_held : 8;
    Instance **held = realloc(lk->held, cap * sizeof *held);
    if (!held) {
      instance_unref(inst); /* still held by the registry or the importer */
      return;
    }
    lk->held = held;
    lk->cap_held = cap;
  }
  lk->held[lk->num_held++] = inst;
}

static void linker_release(Linker *lk)
{
  for (uint32_t i = 0; i < lk->num_held; i++)
    instance_unref(lk->held[i]);
  for (uint32_t i = 0; i < lk->num_made; i++)
    free(lk->made[i].name);
  free(lk->held);
  free(lk->made);
}

/* The export of src that the import names: of the import's kind if there is
 * one (else of another kind, so instance_new reports the kind mismatch as
 * "incompatible import type"). */
static bool export_to_extern(Instance *src, const Import *imp, ExternVal *out)
{
  const Module *m = src->module;
  int32_t idx = module_find_export_len(m, imp->field_name, imp->field_name_len, imp->kind);
  for (uint8_t k = EXTERN_FUNC; idx < 0 && k <= EXTERN_GLOBAL; k++)
    if (k != imp->kind)
      idx = module_find_export_len(m, imp->field_name, imp->field_name_len, k);
  if (idx < 0)
    return false;
  const Export *e = &m->exports[idx];
  out->kind = e->kind;
  out->owner = src;
  switch (e->kind) {
  case EXTERN_FUNC:
    out->u.func = src->funcs[e->index];
    break;
  case EXTERN_TABLE:
    out->u.table = src->tables[e->index];
    break;
  case EXTERN_MEMORY:
    out->u.memory = src->memories[e->index];
    break;
  default:
    out->u.global = src->globals[e->index];
    break;
  }
  return true;
}

/* The instance of the registered module `name` for this link: one per
 * name, made on first use. */
static Instance *linker_module_instance(Linker *lk, const char *name, uint32_t len)
{
  for (uint32_t i = 0; i < lk->num_made; i++)
    if (name_is(lk->made[i].name, name, len))
      return lk->made[i].inst;
  ModuleRef *ref = registered_module_get(name, len);
  if (!ref)
    ref = api_read_module(name, len); /* wasm_runtime_set_module_reader */
  if (!ref)
    return NULL;
  Instance *inst = NULL;
  if (lk->depth + 1 >= MAX_LINK_DEPTH) {
    snprintf(lk->error, sizeof lk->error,
             "unknown import: registered module \"%.*s\" depends on itself", (int)len, name);
  } else {
    char err[160];
    inst = instantiate(ref, &lk->limits, lk->depth + 1, NULL, err, sizeof err);
    if (!inst)
      snprintf(lk->error, sizeof lk->error, "instantiating registered module \"%.*s\": %s",
               (int)len, name, err);
  }
  module_ref_release(ref);
  if (!inst)
    return NULL;
  void *made = realloc(lk->made, (lk->num_made + 1) * sizeof *lk->made);
  char *copy = malloc(len + 1);
  if (made)
    lk->made = made;
  if (!made || !copy) {
    free(copy);
    instance_unref(inst);
    return NULL;
  }
  memcpy(copy, name, len);
  copy[len] = '\0';
  lk->made[lk->num_made].name = copy;
  lk->made[lk->num_made].inst = inst;
  lk->num_made++;
  linker_hold(lk, inst);
  return inst;
}

/* The ImportResolver: registered instances, then natives, then registered
 * modules (WAMR's multi-module). */
static bool resolve_import(void *data, const Import *imp, ExternVal *out)
{
  Linker *lk = data;
  for (uint32_t i = 0; i < lk->num_host_imports; i++) {
    const WASMExternInstance *h = &lk->host_imports[i];
    if (h->kind == WASM_IMPORT_EXPORT_KIND_MEMORY && imp->kind == EXTERN_MEMORY && h->u.memory &&
        h->module_name && h->field_name && name_is(h->module_name, imp->module_name, imp->module_name_len) &&
        name_is(h->field_name, imp->field_name, imp->field_name_len)) {
      out->kind = EXTERN_MEMORY;
      out->u.memory = API_MEMORY(h->u.memory);
      out->owner = NULL;
      return true;
    }
  }
  Instance *src = registered_instance_get(imp->module_name, imp->module_name_len);
  if (src) {
    linker_hold(lk, src);
    if (export_to_extern(src, imp, out))
      return true;
  }
  if (imp->kind == EXTERN_FUNC) {
    FuncInst *f = native_lookup(imp->module_name, imp->module_name_len, imp->field_name,
                                imp->field_name_len);
    if (f) {
      out->kind = EXTERN_FUNC;
      out->u.func = f;
      out->owner = NULL;
      return true;
    }
  }
  Instance *sub = linker_module_instance(lk, imp->module_name, imp->module_name_len);
  return sub && export_to_extern(sub, imp, out);
}

/* wasi: the instance's WASI grants; NULL: the module's (if any). */
static Instance *instantiate(ModuleRef *ref, const InstanceLimits *limits, uint32_t depth,
                             const WasiArgs *wasi, char *err, uint32_t err_size)
{
  return instantiate_with(ref, limits, depth, wasi, NULL, err, err_size);
}

static Instance *instantiate_with(ModuleRef *ref, const InstanceLimits *limits, uint32_t depth,
                                  const WasiArgs *wasi, const InstantiationArgs *args, char *err,
                                  uint32_t err_size)
{
  Linker lk;
  memset(&lk, 0, sizeof lk);
  lk.limits = *limits;
  lk.depth = depth;
  if (args && args->imports) {
    lk.host_imports = args->imports;
    lk.num_host_imports = args->import_count;
  }
  Instance *inst = instance_new_limited(ref->module, ref, resolve_import, &lk, limits, err,
                                        err_size);
  linker_release(&lk);
  if (!inst && lk.error[0])
    error_set(err, err_size, "%s", lk.error);
  if (inst && !wasi_instance_attach(inst, wasi ? wasi : ref->wasi_args, err, err_size)) {
    instance_unref(inst);
    return NULL;
  }
  return inst;
}

static wasm_module_inst_t instantiate_api(const wasm_module_t module,
                                          const InstantiationArgs *args, const WasiArgs *wasi,
                                          char *error_buf, uint32_t error_buf_size)
{
  if (!module) {
    error_set(error_buf, error_buf_size, "invalid argument: no module");
    return NULL;
  }
  InstanceLimits limits;
  memset(&limits, 0, sizeof limits);
  limits.stack_size = args && args->default_stack_size ? args->default_stack_size
                                                       : DEFAULT_WASM_STACK_SIZE;
  if (args) {
    limits.max_table_elements = args->max_table_elements;
    limits.start_time_limit_ms = args->start_time_limit_ms;
    limits.start_fuel = args->start_fuel;
  }
  Instance *inst =
      instantiate_with(API_MODULE(module), &limits, 0, wasi, args, error_buf, error_buf_size);
  if (inst && args && args->host_managed_heap_size &&
      !api_heap_create(inst, args->host_managed_heap_size, error_buf, error_buf_size)) {
    wasi_instance_detach(inst);
    instance_unref(inst);
    return NULL;
  }
  if (inst && args && args->max_memory_pages) {
    /* A lower cap on the memories this instance defines (not on imported
     * ones, which belong to their exporter). */
    for (uint32_t i = inst->module->num_imported_memories; i < inst->module->num_memories; i++) {
      Memory *m = inst->memories[i];
      if (args->max_memory_pages < m->max_pages && args->max_memory_pages >= m->pages) {
        m->max_pages = args->max_memory_pages;
        m->has_max = true;
      }
    }
  }
  return (wasm_module_inst_t)inst;
}

/* As WAMR does, a WASI reactor (it exports _initialize, not _start) is
 * initialized by instantiation; a trap there fails the instantiation. */
static wasm_module_inst_t initialize_reactor(wasm_module_inst_t module_inst, char *error_buf,
                                             uint32_t error_buf_size)
{
  Instance *inst = API_INST(module_inst);
  if (!inst || !wasm_runtime_is_wasi_mode(module_inst) ||
      wasm_runtime_lookup_wasi_start_function(module_inst))
    return module_inst;
  FuncInst *init = API_FUNC(wasm_runtime_lookup_function(module_inst, "_initialize"));
  if (!init || init->type->num_params || init->type->num_results)
    return module_inst;
  ApiInstanceData *data = api_instance_data(inst);
  ExecEnv *env = API_ENV(wasm_runtime_get_exec_env_singleton(module_inst));
  uint64_t none[1] = {0};
  if (!data || !env || !api_call(env, init, none)) {
    error_set(error_buf, error_buf_size, "%s",
              inst->has_exception ? inst->exception + strlen("Exception: ") : "out of memory");
    wasm_runtime_deinstantiate(module_inst);
    return NULL;
  }
  data->reactor_initialized = true;
  return module_inst;
}

wasm_module_inst_t wasm_runtime_instantiate_ex(const wasm_module_t module,
                                               const InstantiationArgs *args, char *error_buf,
                                               uint32_t error_buf_size)
{
  return initialize_reactor(instantiate_api(module, args, NULL, error_buf, error_buf_size),
                            error_buf, error_buf_size);
}

wasm_module_inst_t api_instantiate_wasi_args(const wasm_module_t module,
                                             const InstantiationArgs *args, const WasiArgs *wasi,
                                             char *error_buf, uint32_t error_buf_size)
{
  return initialize_reactor(instantiate_api(module, args, wasi, error_buf, error_buf_size),
                            error_buf, error_buf_size);
}

wasm_module_inst_t wasm_runtime_instantiate_wasi(const wasm_module_t module,
                                                 const InstantiationArgs *inst_args,
                                                 const WASIArguments *wasi_args, char *error_buf,
                                                 uint32_t error_buf_size)
{
  /* No grants at all is a context too: an empty one, not the module's. */
  WASIArguments none;
  memset(&none, 0, sizeof none);
  none.stdin_fd = none.stdout_fd = none.stderr_fd = -1;
  WasiArgs *wasi = wasi_args_from_api(wasi_args ? wasi_args : &none);
  if (!wasi) {
    error_set(error_buf, error_buf_size, "invalid WASI arguments");
    return NULL;
  }
  wasm_module_inst_t inst = instantiate_api(module, inst_args, wasi, error_buf, error_buf_size);
  wasi_args_free(wasi);
  return inst;
}

wasm_module_inst_t wasm_runtime_instantiate(const wasm_module_t module, uint32_t default_stack_size,
                                            uint32_t host_managed_heap_size, char *error_buf,
                                            uint32_t error_buf_size)
{
  InstantiationArgs args;
  memset(&args, 0, sizeof args);
  args.default_stack_size = default_stack_size;
  args.host_managed_heap_size = host_managed_heap_size;
  return wasm_runtime_instantiate_ex(module, &args, error_buf, error_buf_size);
}

void wasm_runtime_deinstantiate(wasm_module_inst_t module_inst)
{
  Instance *inst = API_INST(module_inst);
  if (!inst)
    return;
  if (inst->singleton_env) {
    exec_env_free(inst->singleton_env);
    inst->singleton_env = NULL;
  }
  wasi_instance_detach(inst);
  instance_unref(inst);
}

wasm_module_t wasm_runtime_get_module(wasm_module_inst_t module_inst)
{
  return module_inst ? (wasm_module_t)API_INST(module_inst)->module_ref : NULL;
}

void wasm_runtime_set_custom_data(wasm_module_inst_t module_inst, void *custom_data)
{
  if (module_inst)
    API_INST(module_inst)->custom_data = custom_data;
}

void *wasm_runtime_get_custom_data(wasm_module_inst_t module_inst)
{
  return module_inst ? API_INST(module_inst)->custom_data : NULL;
}

/* --- functions --- */

wasm_function_inst_t wasm_runtime_lookup_function(const wasm_module_inst_t module_inst,
                                                  const char *name)
{
  if (!module_inst || !name)
    return NULL;
  Instance *inst = API_INST(module_inst);
  int32_t idx = module_find_export(inst->module, name, EXTERN_FUNC);
  if (idx < 0)
    return NULL;
  return inst->funcs[inst->module->exports[idx].index];
}

wasm_valkind_t api_valkind(uint8_t type)
{
  switch (type) {
  case VAL_I32:
    return WASM_I32;
  case VAL_I64:
    return WASM_I64;
  case VAL_F32:
    return WASM_F32;
  case VAL_F64:
    return WASM_F64;
  case VAL_V128:
    return WASM_V128;
  case VAL_EXTERNREF:
    return WASM_EXTERNREF;
  case VAL_FUNCREF:
    return WASM_FUNCREF;
  default:
    return (wasm_valkind_t)-1;
  }
}

uint32_t wasm_func_get_param_count(const wasm_function_inst_t func_inst,
                                   const wasm_module_inst_t module_inst)
{
  (void)module_inst;
  return func_inst ? API_FUNC(func_inst)->type->num_params : 0;
}

uint32_t wasm_func_get_result_count(const wasm_function_inst_t func_inst,
                                    const wasm_module_inst_t module_inst)
{
  (void)module_inst;
  return func_inst ? API_FUNC(func_inst)->type->num_results : 0;
}

void wasm_func_get_param_types(const wasm_function_inst_t func_inst,
                               const wasm_module_inst_t module_inst, wasm_valkind_t *param_types)
{
  (void)module_inst;
  if (!func_inst || !param_types)
    return;
  const FuncType *t = API_FUNC(func_inst)->type;
  for (uint32_t i = 0; i < t->num_params; i++)
    param_types[i] = api_valkind(functype_params(t)[i]);
}

void wasm_func_get_result_types(const wasm_function_inst_t func_inst,
                                const wasm_module_inst_t module_inst, wasm_valkind_t *result_types)
{
  (void)module_inst;
  if (!func_inst || !result_types)
    return;
  const FuncType *t = API_FUNC(func_inst)->type;
  for (uint32_t i = 0; i < t->num_results; i++)
    result_types[i] = api_valkind(functype_results(t)[i]);
}

/* --- exec envs --- */

wasm_exec_env_t wasm_runtime_create_exec_env(wasm_module_inst_t module_inst, uint32_t stack_size)
{
  if (!module_inst)
    return NULL;
  return (wasm_exec_env_t)exec_env_new(API_INST(module_inst),
                                       stack_size ? stack_size : DEFAULT_WASM_STACK_SIZE);
}

void wasm_runtime_destroy_exec_env(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  if (!env)
    return;
  if (env->instance && env->instance->singleton_env == env)
    return; /* owned by its instance */
  exec_env_free(env);
}

wasm_exec_env_t wasm_runtime_get_exec_env_singleton(wasm_module_inst_t module_inst)
{
  Instance *inst = API_INST(module_inst);
  if (!inst)
    return NULL;
  if (!inst->singleton_env)
    inst->singleton_env = exec_env_new(inst, inst->default_stack_size ? inst->default_stack_size
                                                                      : DEFAULT_WASM_STACK_SIZE);
  return (wasm_exec_env_t)inst->singleton_env;
}

wasm_module_inst_t wasm_runtime_get_module_inst(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  if (!env)
    return NULL;
  /* Inside a native, the instance whose code called it. */
  if (env->current_host && env->current)
    return (wasm_module_inst_t)env->current;
  return (wasm_module_inst_t)env->instance;
}

void wasm_runtime_set_user_data(wasm_exec_env_t exec_env, void *user_data)
{
  if (exec_env)
    API_ENV(exec_env)->user_data = user_data;
}

void *wasm_runtime_get_user_data(wasm_exec_env_t exec_env)
{
  return exec_env ? API_ENV(exec_env)->user_data : NULL;
}

void *wasm_runtime_get_function_attachment(wasm_exec_env_t exec_env)
{
  ExecEnv *env = API_ENV(exec_env);
  return env && env->current_host ? env->current_host->attachment : NULL;
}

void wasm_runtime_set_instruction_count_limit(wasm_exec_env_t exec_env, int instructions_to_execute)
{
  if (exec_env)
    API_ENV(exec_env)->fuel = instructions_to_execute < 0 ? -1 : instructions_to_execute;
}

void wasm_runtime_set_time_limit(wasm_exec_env_t exec_env, uint32_t milliseconds)
{
  if (exec_env)
    API_ENV(exec_env)->time_limit_ms = milliseconds;
}

ExecEnv *api_helper_env(Instance *inst)
{
  ExecEnv *env = native_running_env();
  if (env && (env->instance == inst || env->current == inst))
    return env;
  return API_ENV(wasm_runtime_get_exec_env_singleton((wasm_module_inst_t)inst));
}

/* --- exceptions --- */

void api_set_exception(Instance *inst, const char *message)
{
  if (!inst)
    return;
  if (!message) {
    inst->has_exception = false;
    inst->exception[0] = '\0';
    atomic_store(&inst->interrupt, 0);
    return;
  }
  /* message may be inst->exception itself (set_exception(get_exception())):
   * keep one prefix, and move rather than copy. */
  static const char prefix[] = "Exception: ";
  const size_t plen = sizeof prefix - 1;
  if (strncmp(message, prefix, plen) == 0)
    message += plen;
  size_t len = strnlen(message, sizeof inst->exception - plen - 1);
  memmove(inst->exception + plen, message, len);
  memcpy(inst->exception, prefix, plen);
  inst->exception[plen + len] = '\0';
  inst->has_exception = true;
}

void api_set_exceptionf(Instance *inst, const char *fmt, ...)
{
  char msg[sizeof ((Instance *)0)->exception];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  api_set_exception(inst, msg);
}

const char *wasm_runtime_get_exception(wasm_module_inst_t module_inst)
{
  Instance *inst = API_INST(module_inst);
  return inst && inst->has_exception ? inst->exception : NULL;
}

void wasm_runtime_set_exception(wasm_module_inst_t module_inst, const char *exception)
{
  api_set_exception(API_INST(module_inst), exception);
}

void wasm_runtime_clear_exception(wasm_module_inst_t module_inst)
{
  api_set_exception(API_INST(module_inst), NULL);
}

void wasm_runtime_terminate(wasm_module_inst_t module_inst)
{
  if (module_inst)
    atomic_store(&API_INST(module_inst)->interrupt, INTERRUPT_TERMINATE); /* contract 6 */
}

/* --- calls --- */

bool api_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  Instance *inst = env->instance;
  /* A new call starts without the last call's exception; a pending
   * terminate (the interrupt flag) stays and stops it at once. */
  inst->has_exception = false;
  inst->exception[0] = '\0';
  return runtime_call(env, f, argv);
}

/* True when f may be called on env: a function of env's instance, or one
 * its entry table holds (an import it re-exports). */
static bool check_call(ExecEnv *env, FuncInst *f)
{
  if (!env || !env->instance)
    return false;
  Instance *inst = env->instance;
  if (!f) {
    api_set_exception(inst, "invalid argument: no function to call");
    return false;
  }
  if (f->instance == inst)
    return true;
  for (uint32_t i = 0; i < inst->module->num_funcs; i++)
    if (inst->funcs[i] == f)
      return true;
  api_set_exception(inst, "invalid argument: the function belongs to another instance");
  return false;
}

/* 32-bit cells a value of this type takes in call_wasm's argv. */
static uint32_t type_cells(uint8_t type)
{
  switch (type) {
  case VAL_I32:
  case VAL_F32:
    return 1;
  case VAL_V128:
    return 4;
  default: /* i64, f64, and references as pointer-sized values widened to 64 bits */
    return 2;
  }
}

static uint32_t types_cells(const uint8_t *types, uint32_t n)
{
  uint32_t cells = 0;
  for (uint32_t i = 0; i < n; i++)
    cells += type_cells(types[i]);
  return cells;
}

static uint64_t *slots_alloc(const FuncType *t)
{
  uint32_t n = t->num_params > t->num_results ? t->num_params : t->num_results;
  return calloc(n + 1, sizeof(uint64_t));
}

bool wasm_runtime_call_wasm(wasm_exec_env_t exec_env, wasm_function_inst_t function, uint32_t argc,
                            uint32_t argv[])
{
  ExecEnv *env = API_ENV(exec_env);
  FuncInst *f = API_FUNC(function);
  if (!check_call(env, f))
    return false;
  return api_call_cells(env, f, argc, argv);
}

bool api_call_cells(ExecEnv *env, FuncInst *f, uint32_t argc, uint32_t *argv)
{
  const FuncType *t = f->type;
  uint32_t param_cells = types_cells(functype_params(t), t->num_params);
  uint32_t result_cells = types_cells(functype_results(t), t->num_results);
  if (argc < param_cells) {
    api_set_exceptionf(env->instance, "invalid argument count %u, must be no smaller than %u",
                       argc, param_cells);
    return false;
  }
  if (!argv && (param_cells || result_cells)) {
    api_set_exception(env->instance, "invalid argument: argv is NULL");
    return false;
  }
  uint64_t *slots = slots_alloc(t);
  if (!slots) {
    api_set_exception(env->instance, "out of memory");
    return false;
  }
  const uint8_t *params = functype_params(t);
  for (uint32_t i = 0, c = 0; i < t->num_params; i++) {
    uint32_t n = type_cells(params[i]);
    if (n == 1)
      slots[i] = argv[c];
    else
      memcpy(&slots[i], &argv[c], 8); /* v128 is not callable here: see below */
    c += n;
  }
  bool ok = true;
  for (uint32_t i = 0; i < t->num_params + t->num_results && ok; i++)
    if (t->types[i] == VAL_V128) {
      api_set_exception(env->instance, "invalid argument: v128 values cannot cross the API");
      ok = false;
    }
  if (ok)
    ok = api_call(env, f, slots);
  if (ok) {
    const uint8_t *results = functype_results(t);
    for (uint32_t i = 0, c = 0; i < t->num_results; i++) {
      uint32_t n = type_cells(results[i]);
      if (n == 1)
        argv[c] = (uint32_t)slots[i];
      else
        memcpy(&argv[c], &slots[i], 8);
      c += n;
    }
  }
  free(slots);
  return ok;
}

static bool val_to_slot(const wasm_val_t *v, uint8_t type, uint64_t *slot)
{
  WasmValue w;
  w.u64 = 0;
  if (v->kind != api_valkind(type))
    return false;
  switch (type) {
  case VAL_I32:
    w.u64 = (uint32_t)v->of.i32;
    break;
  case VAL_I64:
    w.i64 = v->of.i64;
    break;
  case VAL_F32:
    w.f32 = v->of.f32;
    break;
  case VAL_F64:
    w.f64 = v->of.f64;
    break;
  case VAL_FUNCREF:
  case VAL_EXTERNREF:
    w.ref = (void *)v->of.foreign;
    break;
  default:
    return false;
  }
  *slot = w.u64;
  return true;
}

static void slot_to_val(uint64_t slot, uint8_t type, wasm_val_t *v)
{
  WasmValue w;
  w.u64 = slot;
  memset(v, 0, sizeof *v);
  v->kind = api_valkind(type);
  switch (type) {
  case VAL_I32:
    v->of.i32 = w.i32;
    break;
  case VAL_I64:
    v->of.i64 = w.i64;
    break;
  case VAL_F32:
    v->of.f32 = w.f32;
    break;
  case VAL_F64:
    v->of.f64 = w.f64;
    break;
  default:
    v->of.foreign = (uintptr_t)w.ref;
    break;
  }
}

bool wasm_runtime_call_wasm_a(wasm_exec_env_t exec_env, wasm_function_inst_t function,
                              uint32_t num_results, wasm_val_t results[], uint32_t num_args,
                              wasm_val_t *args)
{
  ExecEnv *env = API_ENV(exec_env);
  FuncInst *f = API_FUNC(function);
  if (!check_call(env, f))
    return false;
  const FuncType *t = f->type;
  if (num_args != t->num_params || (num_args && !args)) {
    api_set_exceptionf(env->instance, "invalid argument count %u, the function takes %u",
                       num_args, t->num_params);
    return false;
  }
  if (num_results != t->num_results || (num_results && !results)) {
    api_set_exceptionf(env->instance, "invalid result count %u, the function returns %u",
                       num_results, t->num_results);
    return false;
  }
  uint64_t *slots = slots_alloc(t);
  if (!slots) {
    api_set_exception(env->instance, "out of memory");
    return false;
  }
  const uint8_t *params = functype_params(t);
  for (uint32_t i = 0; i < num_args; i++)
    if (!val_to_slot(&args[i], params[i], &slots[i])) {
      api_set_exceptionf(env->instance, "invalid argument %u: expected a value of type %s", i,
                         valtype_name(params[i]));
      free(slots);
      return false;
    }
  for (uint32_t i = 0; i < num_results; i++)
    if (functype_results(t)[i] == VAL_V128) {
      api_set_exception(env->instance, "invalid argument: v128 values cannot cross the API");
      free(slots);
      return false;
    }
  bool ok = api_call(env, f, slots);
  if (ok)
    for (uint32_t i = 0; i < num_results; i++)
      slot_to_val(slots[i], functype_results(t)[i], &results[i]);
  free(slots);
  return ok;
}

bool wasm_runtime_call_wasm_v(wasm_exec_env_t exec_env, wasm_function_inst_t function,
                              uint32_t num_results, wasm_val_t results[], uint32_t num_args, ...)
{
  ExecEnv *env = API_ENV(exec_env);
  FuncInst *f = API_FUNC(function);
  if (!check_call(env, f))
    return false;
  const FuncType *t = f->type;
  if (num_args != t->num_params) {
    api_set_exceptionf(env->instance, "invalid argument count %u, the function takes %u",
                       num_args, t->num_params);
    return false;
  }
  wasm_val_t *args = calloc(num_args + 1, sizeof *args);
  if (!args) {
    api_set_exception(env->instance, "out of memory");
    return false;
  }
  va_list ap;
  va_start(ap, num_args);
  for (uint32_t i = 0; i < num_args; i++) {
    uint8_t type = functype_params(t)[i];
    args[i].kind = api_valkind(type);
    switch (type) {
    case VAL_I32:
      args[i].of.i32 = va_arg(ap, int32_t);
      break;
    case VAL_I64:
      args[i].of.i64 = va_arg(ap, int64_t);
      break;
    case VAL_F32:
      args[i].of.f32 = (float)va_arg(ap, double);
      break;
    case VAL_F64:
      args[i].of.f64 = va_arg(ap, double);
      break;
    case VAL_FUNCREF:
    case VAL_EXTERNREF:
      args[i].of.foreign = va_arg(ap, uintptr_t);
      break;
    default:
      break; /* v128: rejected by call_wasm_a */
    }
  }
  va_end(ap);
  bool ok = wasm_runtime_call_wasm_a(exec_env, function, num_results, results, num_args, args);
  free(args);
  return ok;
}

/* --- natives --- */

static bool register_natives(const char *module_name, NativeSymbol *symbols, uint32_t n, bool raw)
{
  char err[160];
  if (!native_register(module_name, symbols, n, raw, err, sizeof err)) {
    api_log(WASM_LOG_LEVEL_ERROR, "%s", err);
    return false;
  }
  return true;
}

bool wasm_runtime_register_natives(const char *module_name, NativeSymbol *native_symbols,
                                   uint32_t n_native_symbols)
{
  return register_natives(module_name, native_symbols, n_native_symbols, false);
}

bool wasm_runtime_register_natives_raw(const char *module_name, NativeSymbol *native_symbols,
                                       uint32_t n_native_symbols)
{
  return register_natives(module_name, native_symbols, n_native_symbols, true);
}

bool wasm_runtime_unregister_natives(const char *module_name, NativeSymbol *native_symbols)
{
  return native_unregister(module_name, native_symbols);
}

bool wasm_runtime_is_import_func_linked(const char *module_name, const char *func_name)
{
  if (!module_name || !func_name)
    return false;
  return native_lookup(module_name, (uint32_t)strlen(module_name), func_name,
                       (uint32_t)strlen(func_name)) != NULL;
}
