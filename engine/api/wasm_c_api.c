/*
 * wasm_c_api.c -- the standard Wasm C API (include/wasm.h): engine, store,
 * references, modules, instances, functions (host functions with and
 * without an environment), globals, tables, memories, externs, traps with
 * their frames, and foreign objects.  Written from the header's contract
 * on the engine's run-time objects (wasm_c_api_impl.h).
 *
 * Calls run in the store's exec env (a nested call, from a host function,
 * gets one of its own); a trap comes back as a wasm_trap_t carrying the
 * message and the Wasm call stack (runtime/backtrace.h).  A store and what
 * it made are used from one thread at a time, as the API says; modules are
 * shared between threads with wasm_module_share / wasm_module_obtain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../decode/decoder.h"
#include "../runtime/backtrace.h"
#include "../runtime/tiers.h"
#include "../validate/validator.h"
#include "wasm_c_api_impl.h"

/* --- config, engine, store --- */

struct wasm_config_t {
  uint32_t mode;
};

struct wasm_engine_t {
  uint32_t mode; /* RunningMode of new instances, 0: the runtime's default */
};

/* A host function made by wasm_func_new*: the engine's FuncInst and
 * HostFunc for it, kept until the store goes (instances may hold it). */
typedef struct CapiHostFunc {
  FuncInst func;
  HostFunc host;
  wasm_functype_t *type;
  wasm_func_callback_t callback;
  wasm_func_callback_with_env_t callback_env;
  void *env;
  void (*env_finalizer)(void *);
  struct wasm_store_t *store;
  struct CapiHostFunc *next;
} CapiHostFunc;

struct wasm_store_t {
  wasm_engine_t *engine;
  ExecEnv *env;            /* for calls from the host */
  CapiHostFunc *host_funcs;
};

wasm_config_t *wasm_config_new(void) { return calloc(1, sizeof(wasm_config_t)); }
void wasm_config_delete(wasm_config_t *config) { free(config); }

bool wasmplug_config_set_running_mode(wasm_config_t *config, uint32_t mode)
{
  if (!config || (mode != 0 && (mode >= TIER_COUNT || !tier_is_supported((int)mode))))
    return false;
  config->mode = mode;
  return true;
}

wasm_engine_t *wasm_engine_new_with_config(wasm_config_t *config)
{
  wasm_engine_t *engine = calloc(1, sizeof *engine);
  if (engine && !memory_install_fault_handler()) {
    free(engine);
    engine = NULL;
  }
  if (engine && config)
    engine->mode = config->mode;
  wasm_config_delete(config);
  return engine;
}

wasm_engine_t *wasm_engine_new(void) { return wasm_engine_new_with_config(NULL); }
void wasm_engine_delete(wasm_engine_t *engine) { free(engine); }

wasm_store_t *wasm_store_new(wasm_engine_t *engine)
{
  wasm_store_t *store = calloc(1, sizeof *store);
  if (!store)
    return NULL;
  store->engine = engine;
  store->env = exec_env_new(NULL, DEFAULT_WASM_STACK_SIZE);
  if (!store->env) {
    free(store);
    return NULL;
  }
  return store;
}

void wasm_store_delete(wasm_store_t *store)
{
  if (!store)
    return;
  for (CapiHostFunc *h = store->host_funcs, *next; h; h = next) {
    next = h->next;
    if (h->env_finalizer)
      h->env_finalizer(h->env);
    wasm_functype_delete(h->type);
    free(h->host.type.types);
    free(h);
  }
  exec_env_free(store->env);
  free(store);
}

/* --- references --- */

static void ref_init(wasm_ref_t *r, CapiRefKind kind, const void *identity,
                     void (*release)(wasm_ref_t *))
{
  r->kind = (uint8_t)kind;
  atomic_init(&r->owners, 1);
  r->host_info = NULL;
  r->finalizer = NULL;
  r->release = release;
  r->identity = identity;
}

void wasm_ref_delete(wasm_ref_t *r)
{
  if (!r || atomic_fetch_sub(&r->owners, 1) != 1)
    return;
  if (r->finalizer)
    r->finalizer(r->host_info);
  r->release(r);
}

wasm_ref_t *wasm_ref_copy(const wasm_ref_t *r)
{
  if (!r)
    return NULL;
  wasm_ref_t *m = (wasm_ref_t *)r;
  atomic_fetch_add(&m->owners, 1);
  return m;
}

bool wasm_ref_same(const wasm_ref_t *a, const wasm_ref_t *b)
{
  return a == b || (a && b && a->kind == b->kind && a->identity == b->identity);
}

void *wasm_ref_get_host_info(const wasm_ref_t *r) { return r ? r->host_info : NULL; }

void wasm_ref_set_host_info(wasm_ref_t *r, void *info)
{
  if (r)
    r->host_info = info;
}

void wasm_ref_set_host_info_with_finalizer(wasm_ref_t *r, void *info, void (*finalizer)(void *))
{
  if (r) {
    r->host_info = info;
    r->finalizer = finalizer;
  }
}

/* Every reference kind shares the header: its functions are casts. */
#define REF_BASE(name)                                                                    \
  void wasm_##name##_delete(wasm_##name##_t *x) { wasm_ref_delete((wasm_ref_t *)x); }     \
  wasm_##name##_t *wasm_##name##_copy(const wasm_##name##_t *x)                           \
  {                                                                                       \
    return (wasm_##name##_t *)wasm_ref_copy((const wasm_ref_t *)x);                       \
  }                                                                                       \
  bool wasm_##name##_same(const wasm_##name##_t *a, const wasm_##name##_t *b)             \
  {                                                                                       \
    return wasm_ref_same((const wasm_ref_t *)a, (const wasm_ref_t *)b);                   \
  }                                                                                       \
  void *wasm_##name##_get_host_info(const wasm_##name##_t *x)                             \
  {                                                                                       \
    return wasm_ref_get_host_info((const wasm_ref_t *)x);                                 \
  }                                                                                       \
  void wasm_##name##_set_host_info(wasm_##name##_t *x, void *info)                        \
  {                                                                                       \
    wasm_ref_set_host_info((wasm_ref_t *)x, info);                                        \
  }                                                                                       \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t *x, void *info,         \
                                                  void (*f)(void *))                      \
  {                                                                                       \
    wasm_ref_set_host_info_with_finalizer((wasm_ref_t *)x, info, f);                      \
  }

#define REF(name, KIND)                                                                   \
  REF_BASE(name)                                                                          \
  wasm_ref_t *wasm_##name##_as_ref(wasm_##name##_t *x) { return (wasm_ref_t *)x; }        \
  const wasm_ref_t *wasm_##name##_as_ref_const(const wasm_##name##_t *x)                  \
  {                                                                                       \
    return (const wasm_ref_t *)x;                                                         \
  }                                                                                       \
  wasm_##name##_t *wasm_ref_as_##name(wasm_ref_t *r)                                      \
  {                                                                                       \
    return r && REF_IS_##KIND(r) ? (wasm_##name##_t *)r : NULL;                           \
  }                                                                                       \
  const wasm_##name##_t *wasm_ref_as_##name##_const(const wasm_ref_t *r)                  \
  {                                                                                       \
    return r && REF_IS_##KIND(r) ? (const wasm_##name##_t *)r : NULL;                     \
  }

#define REF_IS_CAPI_FOREIGN(r) ((r)->kind == CAPI_FOREIGN)
#define REF_IS_CAPI_FUNC(r) ((r)->kind == CAPI_FUNC)
#define REF_IS_CAPI_GLOBAL(r) ((r)->kind == CAPI_GLOBAL)
#define REF_IS_CAPI_TABLE(r) ((r)->kind == CAPI_TABLE)
#define REF_IS_CAPI_MEMORY(r) ((r)->kind == CAPI_MEMORY)
#define REF_IS_CAPI_MODULE(r) ((r)->kind == CAPI_MODULE)
#define REF_IS_CAPI_INSTANCE(r) ((r)->kind == CAPI_INSTANCE)
#define REF_IS_CAPI_TRAP(r) ((r)->kind == CAPI_TRAP)
#define REF_IS_CAPI_EXTERN(r) ((r)->kind >= CAPI_FUNC && (r)->kind <= CAPI_MEMORY)

/* --- the objects --- */

struct wasm_foreign_t {
  wasm_ref_t ref;
};

struct wasm_extern_t {
  wasm_ref_t ref; /* a func, global, table or memory */
};

struct wasm_func_t {
  wasm_ref_t ref;
  FuncInst *f;
  Instance *owner;      /* held: the instance that exported it, or NULL */
  CapiHostFunc *host;   /* for a host function */
  wasm_store_t *store;
};

struct wasm_global_t {
  wasm_ref_t ref;
  GlobalInst *g; /* held */
};

struct wasm_table_t {
  wasm_ref_t ref;
  Table *t; /* held */
  wasm_store_t *store;
};

struct wasm_memory_t {
  wasm_ref_t ref;
  Memory *m; /* held */
};

struct wasm_module_t {
  wasm_ref_t ref;
  struct ModuleRef *module; /* held */
};

struct wasm_shared_module_t {
  struct ModuleRef *module; /* held */
};

struct wasm_instance_t {
  wasm_ref_t ref;
  Instance *inst; /* held */
  wasm_store_t *store;
};

struct wasm_frame_t {
  uint32_t func_index;
  size_t func_offset, module_offset;
};

struct wasm_trap_t {
  wasm_ref_t ref;
  wasm_message_t message; /* NUL-terminated, the NUL counted */
  wasm_frame_t *frames;
  size_t num_frames;
};

REF(foreign, CAPI_FOREIGN)
REF(func, CAPI_FUNC)
REF(global, CAPI_GLOBAL)
REF(table, CAPI_TABLE)
REF(memory, CAPI_MEMORY)
REF(module, CAPI_MODULE)
REF(instance, CAPI_INSTANCE)
REF(trap, CAPI_TRAP)
REF(extern, CAPI_EXTERN)

static void release_plain(wasm_ref_t *r) { free(r); }

wasm_foreign_t *wasm_foreign_new(wasm_store_t *store)
{
  (void)store;
  wasm_foreign_t *f = calloc(1, sizeof *f);
  if (f)
    ref_init(&f->ref, CAPI_FOREIGN, f, release_plain);
  return f;
}

/* --- traps and frames --- */

static void release_trap(wasm_ref_t *r)
{
  wasm_trap_t *t = (wasm_trap_t *)r;
  wasm_byte_vec_delete(&t->message);
  free(t->frames);
  free(t);
}

static wasm_trap_t *trap_make(const char *text, const Backtrace *bt)
{
  wasm_trap_t *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  ref_init(&t->ref, CAPI_TRAP, t, release_trap);
  wasm_byte_vec_new(&t->message, strlen(text) + 1, text);
  if (bt && bt->count) {
    t->frames = calloc(bt->count, sizeof *t->frames);
    for (uint32_t i = 0; t->frames && i < bt->count; i++) {
      t->frames[i].func_index = bt->frames[i].func_index;
      t->frames[i].module_offset =
          bt->frames[i].offset == BACKTRACE_NO_OFFSET ? 0 : bt->frames[i].offset;
      t->frames[i].func_offset =
          bt->frames[i].offset == BACKTRACE_NO_OFFSET ? 0 : bt->frames[i].func_offset;
    }
    t->num_frames = t->frames ? bt->count : 0;
  }
  return t;
}

wasm_trap_t *wasm_trap_new(wasm_store_t *store, const wasm_message_t *message)
{
  (void)store;
  char *text = calloc(1, (message ? message->size : 0) + 1);
  if (!text)
    return NULL;
  if (message && message->size)
    memcpy(text, message->data, message->size);
  wasm_trap_t *t = trap_make(text, NULL);
  free(text);
  return t;
}

void wasm_trap_message(const wasm_trap_t *t, wasm_message_t *out)
{
  wasm_byte_vec_copy(out, &t->message);
}

static wasm_frame_t *frame_dup(const wasm_frame_t *f)
{
  wasm_frame_t *c = malloc(sizeof *c);
  if (c)
    *c = *f;
  return c;
}

wasm_frame_t *wasm_trap_origin(const wasm_trap_t *t)
{
  return t && t->num_frames ? frame_dup(&t->frames[0]) : NULL;
}

void wasm_trap_trace(const wasm_trap_t *t, wasm_frame_vec_t *out)
{
  wasm_frame_vec_new_uninitialized(out, t ? t->num_frames : 0);
  for (size_t i = 0; i < out->size; i++)
    out->data[i] = frame_dup(&t->frames[i]);
}

void wasm_frame_delete(wasm_frame_t *f) { free(f); }
wasm_frame_t *wasm_frame_copy(const wasm_frame_t *f) { return f ? frame_dup(f) : NULL; }
/* Frames do not keep their instance alive, so they do not name it. */
struct wasm_instance_t *wasm_frame_instance(const wasm_frame_t *f)
{
  (void)f;
  return NULL;
}
uint32_t wasm_frame_func_index(const wasm_frame_t *f) { return f->func_index; }
size_t wasm_frame_func_offset(const wasm_frame_t *f) { return f->func_offset; }
size_t wasm_frame_module_offset(const wasm_frame_t *f) { return f->module_offset; }

/* --- values <-> 64-bit slots --- */

static wasm_func_t *func_wrap(FuncInst *f, wasm_store_t *store);

static bool val_to_slot(const wasm_val_t *v, uint8_t type, uint64_t *slot)
{
  WasmValue w;
  w.u64 = 0;
  if (capi_engine_type(v->kind) != type)
    return false;
  switch (v->kind) {
  case WASM_I32: w.u64 = (uint32_t)v->of.i32; break;
  case WASM_I64: w.i64 = v->of.i64; break;
  case WASM_F32: w.f32 = v->of.f32; break;
  case WASM_F64: w.f64 = v->of.f64; break;
  case WASM_FUNCREF:
    w.ref = v->of.ref ? ((wasm_func_t *)wasm_ref_as_func(v->of.ref) ? ((wasm_func_t *)v->of.ref)->f : NULL)
                      : NULL;
    if (v->of.ref && !w.ref)
      return false; /* not a function */
    break;
  default: /* anyref: the reference itself is the Wasm externref value */
    w.ref = v->of.ref;
    break;
  }
  *slot = w.u64;
  return true;
}

static void slot_to_val(uint64_t slot, uint8_t type, wasm_store_t *store, wasm_val_t *v)
{
  WasmValue w;
  w.u64 = slot;
  memset(v, 0, sizeof *v);
  v->kind = capi_valkind(type);
  switch (type) {
  case VAL_I32: v->of.i32 = w.i32; break;
  case VAL_I64: v->of.i64 = w.i64; break;
  case VAL_F32: v->of.f32 = w.f32; break;
  case VAL_F64: v->of.f64 = w.f64; break;
  case VAL_FUNCREF: v->of.ref = w.ref ? (wasm_ref_t *)func_wrap(w.ref, store) : NULL; break;
  default: v->of.ref = w.ref ? wasm_ref_copy(w.ref) : NULL; break;
  }
}

/* --- functions --- */

static void release_func(wasm_ref_t *r)
{
  wasm_func_t *fn = (wasm_func_t *)r;
  if (fn->owner)
    instance_unref(fn->owner);
  free(fn);
}

/* A new owner of f: its host function's record or its instance kept. */
static wasm_func_t *func_wrap(FuncInst *f, wasm_store_t *store)
{
  wasm_func_t *fn = calloc(1, sizeof *fn);
  if (!fn)
    return NULL;
  ref_init(&fn->ref, CAPI_FUNC, f, release_func);
  fn->f = f;
  fn->store = store;
  if (f->host)
    fn->host = f->host->attachment; /* only C API host functions reach here */
  if (f->instance) {
    fn->owner = f->instance;
    instance_ref(fn->owner);
  }
  return fn;
}

/* Sets "Exception: <text>" on inst, as the engine's host functions do. */
static void set_exception(Instance *inst, const char *text, size_t len)
{
  static const char prefix[] = "Exception: ";
  size_t room = sizeof inst->exception - sizeof prefix;
  if (len > room)
    len = room;
  memcpy(inst->exception, prefix, sizeof prefix - 1);
  memcpy(inst->exception + sizeof prefix - 1, text, len);
  inst->exception[sizeof prefix - 1 + len] = '\0';
  inst->has_exception = true;
}

/* Calls the host function's callback with the values of argv; the results
 * go back into argv.  A trap is returned (and the results left alone). */
static wasm_trap_t *host_invoke(CapiHostFunc *h, wasm_store_t *store, uint64_t *argv)
{
  const FuncType *t = &h->host.type;
  wasm_val_vec_t args, results;
  wasm_val_vec_new_uninitialized(&args, t->num_params);
  wasm_val_vec_new_uninitialized(&results, t->num_results);
  for (uint32_t i = 0; i < t->num_params && args.data; i++)
    slot_to_val(argv[i], functype_params(t)[i], store, &args.data[i]);
  for (uint32_t i = 0; i < t->num_results && results.data; i++)
    results.data[i].kind = capi_valkind(functype_results(t)[i]);
  wasm_trap_t *trap = h->callback ? h->callback(&args, &results)
                                  : h->callback_env(h->env, &args, &results);
  if (!trap)
    for (uint32_t i = 0; i < t->num_results && results.data; i++)
      if (!val_to_slot(&results.data[i], functype_results(t)[i], &argv[i]))
        trap = trap_make("host function returned a value of the wrong type", NULL);
  wasm_val_vec_delete(&args);
  wasm_val_vec_delete(&results);
  return trap;
}

/* The HostFunc entry: Wasm (any tier) calls a C API host function. */
static void host_trampoline(ExecEnv *env, uint64_t *argv)
{
  CapiHostFunc *h = env->current_host->attachment;
  wasm_trap_t *trap = host_invoke(h, h->store, argv);
  if (trap) {
    /* becomes a trap of the calling Wasm (runtime_call_host) */
    Instance *caller = env->current ? env->current : env->instance;
    size_t len = trap->message.size ? strnlen(trap->message.data, trap->message.size) : 0;
    set_exception(caller, trap->message.data, len);
    wasm_trap_delete(trap);
  }
}

static wasm_func_t *func_new(wasm_store_t *store, const wasm_functype_t *type,
                             wasm_func_callback_t cb, wasm_func_callback_with_env_t cb_env,
                             void *env, void (*finalizer)(void *))
{
  if (!store || !type)
    return NULL;
  CapiHostFunc *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  if (!capi_functype_to_engine(type, &h->host.type)) {
    free(h);
    return NULL;
  }
  h->type = wasm_functype_copy(type);
  h->callback = cb;
  h->callback_env = cb_env;
  h->env = env;
  h->env_finalizer = finalizer;
  h->host.module_name = "";
  h->host.field_name = "";
  h->host.func_ptr = (void *)host_trampoline;
  h->host.raw = true; /* ffi NULL: runtime_call_host calls it as it is */
  h->host.attachment = h;
  h->func.type = &h->host.type;
  h->func.host = &h->host;
  h->store = store;
  h->next = store->host_funcs;
  store->host_funcs = h;
  return func_wrap(&h->func, store);
}

wasm_func_t *wasm_func_new(wasm_store_t *store, const wasm_functype_t *type,
                           wasm_func_callback_t callback)
{
  return func_new(store, type, callback, NULL, NULL, NULL);
}

wasm_func_t *wasm_func_new_with_env(wasm_store_t *store, const wasm_functype_t *type,
                                    wasm_func_callback_with_env_t callback, void *env,
                                    void (*finalizer)(void *))
{
  return func_new(store, type, NULL, callback, env, finalizer);
}

wasm_functype_t *wasm_func_type(const wasm_func_t *fn) { return capi_functype_of(fn->f->type); }
size_t wasm_func_param_arity(const wasm_func_t *fn) { return fn->f->type->num_params; }
size_t wasm_func_result_arity(const wasm_func_t *fn) { return fn->f->type->num_results; }

/* The message of a failed runtime_call, without the "Exception: " prefix. */
static const char *call_failure(ExecEnv *env)
{
  const char *e = env->instance && env->instance->has_exception ? env->instance->exception
                                                                 : env->trap_message;
  return strncmp(e, "Exception: ", 11) == 0 ? e + 11 : e;
}

wasm_trap_t *wasm_func_call(const wasm_func_t *fn, const wasm_val_vec_t *args,
                            wasm_val_vec_t *results)
{
  const FuncType *t = fn->f->type;
  if ((t->num_params && (!args || args->size < t->num_params)) ||
      (t->num_results && (!results || results->size < t->num_results)))
    return trap_make("wrong number of arguments or results", NULL);
  uint32_t n = t->num_params > t->num_results ? t->num_params : t->num_results;
  uint64_t *argv = calloc(n + 1, sizeof *argv);
  if (!argv)
    return trap_make("out of memory", NULL);
  for (uint32_t i = 0; i < t->num_params; i++)
    if (!val_to_slot(&args->data[i], functype_params(t)[i], &argv[i])) {
      free(argv);
      return trap_make("argument of the wrong type", NULL);
    }
  wasm_trap_t *trap = NULL;
  wasm_store_t *store = fn->store;
  if (fn->f->host) {
    trap = host_invoke(fn->host, store, argv);
  } else {
    /* The store's env, unless it is in use (a host function calling back
     * in): then one made for this call. */
    ExecEnv *env = store && store->env->native_depth == 0 ? store->env : exec_env_new(NULL, 0);
    if (!env) {
      free(argv);
      return trap_make("out of memory", NULL);
    }
    env->instance = fn->f->instance;
    env->fuel = -1;
    if (!runtime_call(env, fn->f, argv))
      trap = trap_make(call_failure(env), env->backtrace);
    if (!store || env != store->env)
      exec_env_free(env);
  }
  if (!trap)
    for (uint32_t i = 0; i < t->num_results; i++)
      slot_to_val(argv[i], functype_results(t)[i], store, &results->data[i]);
  free(argv);
  return trap;
}

/* --- globals --- */

static void release_global(wasm_ref_t *r)
{
  global_unref(((wasm_global_t *)r)->g);
  free(r);
}

static wasm_global_t *global_wrap(GlobalInst *g)
{
  wasm_global_t *gl = calloc(1, sizeof *gl);
  if (!gl)
    return NULL;
  ref_init(&gl->ref, CAPI_GLOBAL, g, release_global);
  gl->g = g;
  global_ref(g);
  return gl;
}

wasm_global_t *wasm_global_new(wasm_store_t *store, const wasm_globaltype_t *type,
                               const wasm_val_t *val)
{
  if (!store || !type || !val)
    return NULL;
  GlobalType gt = {capi_engine_type(type->content->kind), type->mutability == WASM_VAR};
  uint64_t slot;
  if (!gt.type || !val_to_slot(val, gt.type, &slot))
    return NULL;
  WasmValue v;
  v.u64 = slot;
  GlobalInst *g = global_new(gt, v);
  if (!g)
    return NULL;
  wasm_global_t *gl = global_wrap(g);
  global_unref(g); /* the wrapper holds it */
  return gl;
}

wasm_globaltype_t *wasm_global_type(const wasm_global_t *gl)
{
  return (wasm_globaltype_t *)capi_globaltype_of(&gl->g->type);
}

void wasm_global_get(const wasm_global_t *gl, wasm_val_t *out)
{
  slot_to_val(gl->g->value.u64, gl->g->type.type, NULL, out);
}

void wasm_global_set(wasm_global_t *gl, const wasm_val_t *val)
{
  uint64_t slot;
  if (gl->g->type.mutable_ && val_to_slot(val, gl->g->type.type, &slot))
    gl->g->value.u64 = slot;
}

/* --- tables --- */

static void release_table(wasm_ref_t *r)
{
  table_unref(((wasm_table_t *)r)->t);
  free(r);
}

static wasm_table_t *table_wrap(Table *t, wasm_store_t *store)
{
  wasm_table_t *tb = calloc(1, sizeof *tb);
  if (!tb)
    return NULL;
  ref_init(&tb->ref, CAPI_TABLE, t, release_table);
  tb->t = t;
  tb->store = store;
  table_ref(t);
  return tb;
}

/* The engine's element for a reference (false: wrong kind). */
static bool ref_to_elem(const Table *t, wasm_ref_t *ref, void **out)
{
  if (!ref) {
    *out = NULL;
    return true;
  }
  if (t->elem_type == VAL_FUNCREF) {
    wasm_func_t *fn = wasm_ref_as_func(ref);
    *out = fn ? fn->f : NULL;
    return fn != NULL;
  }
  *out = ref;
  return true;
}

wasm_table_t *wasm_table_new(wasm_store_t *store, const wasm_tabletype_t *type, wasm_ref_t *init)
{
  if (!store || !type)
    return NULL;
  uint8_t elem = capi_engine_type(type->element->kind);
  if (elem != VAL_FUNCREF && elem != VAL_EXTERNREF)
    return NULL;
  bool has_max = type->limits.max != wasm_limits_max_default;
  Table probe = {.elem_type = elem};
  void *init_elem;
  if (!ref_to_elem(&probe, init, &init_elem))
    return NULL;
  Table *t = table_new(elem, type->limits.min, has_max ? type->limits.max : UINT32_MAX, has_max,
                       init_elem);
  if (!t)
    return NULL;
  wasm_table_t *tb = table_wrap(t, store);
  table_unref(t);
  return tb;
}

wasm_tabletype_t *wasm_table_type(const wasm_table_t *tb)
{
  TableType tt = {tb->t->elem_type, {tb->t->size, tb->t->max, tb->t->has_max}};
  return (wasm_tabletype_t *)capi_tabletype_of(&tt);
}

wasm_ref_t *wasm_table_get(const wasm_table_t *tb, wasm_table_size_t index)
{
  if (index >= tb->t->size || !tb->t->elems[index])
    return NULL;
  void *e = tb->t->elems[index];
  if (tb->t->elem_type == VAL_FUNCREF)
    return (wasm_ref_t *)func_wrap(e, tb->store);
  return wasm_ref_copy(e);
}

bool wasm_table_set(wasm_table_t *tb, wasm_table_size_t index, wasm_ref_t *ref)
{
  void *e;
  if (index >= tb->t->size || !ref_to_elem(tb->t, ref, &e))
    return false;
  tb->t->elems[index] = e;
  return true;
}

wasm_table_size_t wasm_table_size(const wasm_table_t *tb) { return tb->t->size; }

bool wasm_table_grow(wasm_table_t *tb, wasm_table_size_t delta, wasm_ref_t *init)
{
  void *e;
  return ref_to_elem(tb->t, init, &e) && table_grow(tb->t, delta, e) >= 0;
}

/* --- memories --- */

static void release_memory(wasm_ref_t *r)
{
  memory_unref(((wasm_memory_t *)r)->m);
  free(r);
}

static wasm_memory_t *memory_wrap(Memory *m)
{
  wasm_memory_t *mem = calloc(1, sizeof *mem);
  if (!mem)
    return NULL;
  ref_init(&mem->ref, CAPI_MEMORY, m, release_memory);
  mem->m = m;
  memory_ref(m);
  return mem;
}

wasm_memory_t *wasm_memory_new(wasm_store_t *store, const wasm_memorytype_t *type)
{
  if (!store || !type)
    return NULL;
  bool has_max = type->limits.max != wasm_limits_max_default;
  char err[128];
  Memory *m = memory_new(type->limits.min, has_max ? type->limits.max : WASM_MAX_PAGES, has_max,
                         err, sizeof err);
  if (!m)
    return NULL;
  wasm_memory_t *mem = memory_wrap(m);
  memory_unref(m);
  return mem;
}

wasm_memorytype_t *wasm_memory_type(const wasm_memory_t *mem)
{
  Limits l = {mem->m->pages, mem->m->max_pages, mem->m->has_max};
  return (wasm_memorytype_t *)capi_memorytype_of(&l);
}

byte_t *wasm_memory_data(wasm_memory_t *mem) { return (byte_t *)mem->m->base; }
size_t wasm_memory_data_size(const wasm_memory_t *mem) { return (size_t)mem->m->size; }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t *mem) { return mem->m->pages; }

bool wasm_memory_grow(wasm_memory_t *mem, wasm_memory_pages_t delta)
{
  return memory_grow(mem->m, delta) >= 0;
}

/* --- externs --- */

wasm_externkind_t wasm_extern_kind(const wasm_extern_t *e)
{
  switch (e->ref.kind) {
  case CAPI_FUNC: return WASM_EXTERN_FUNC;
  case CAPI_GLOBAL: return WASM_EXTERN_GLOBAL;
  case CAPI_TABLE: return WASM_EXTERN_TABLE;
  default: return WASM_EXTERN_MEMORY;
  }
}

wasm_externtype_t *wasm_extern_type(const wasm_extern_t *e)
{
  switch (e->ref.kind) {
  case CAPI_FUNC: return (wasm_externtype_t *)wasm_func_type((const wasm_func_t *)e);
  case CAPI_GLOBAL: return (wasm_externtype_t *)wasm_global_type((const wasm_global_t *)e);
  case CAPI_TABLE: return (wasm_externtype_t *)wasm_table_type((const wasm_table_t *)e);
  default: return (wasm_externtype_t *)wasm_memory_type((const wasm_memory_t *)e);
  }
}

#define EXTERN_CASTS(name, KIND)                                                          \
  wasm_extern_t *wasm_##name##_as_extern(wasm_##name##_t *x) { return (wasm_extern_t *)x; } \
  const wasm_extern_t *wasm_##name##_as_extern_const(const wasm_##name##_t *x)            \
  {                                                                                       \
    return (const wasm_extern_t *)x;                                                      \
  }                                                                                       \
  wasm_##name##_t *wasm_extern_as_##name(wasm_extern_t *e)                                \
  {                                                                                       \
    return e && e->ref.kind == KIND ? (wasm_##name##_t *)e : NULL;                        \
  }                                                                                       \
  const wasm_##name##_t *wasm_extern_as_##name##_const(const wasm_extern_t *e)            \
  {                                                                                       \
    return e && e->ref.kind == KIND ? (const wasm_##name##_t *)e : NULL;                  \
  }

EXTERN_CASTS(func, CAPI_FUNC)
EXTERN_CASTS(global, CAPI_GLOBAL)
EXTERN_CASTS(table, CAPI_TABLE)
EXTERN_CASTS(memory, CAPI_MEMORY)

/* --- modules --- */

static void release_module(wasm_ref_t *r)
{
  module_ref_release(((wasm_module_t *)r)->module);
  free(r);
}

static wasm_module_t *module_wrap(struct ModuleRef *ref)
{
  wasm_module_t *mod = calloc(1, sizeof *mod);
  if (!mod)
    return NULL;
  ref_init(&mod->ref, CAPI_MODULE, ref, release_module);
  mod->module = ref;
  module_ref_acquire(ref);
  return mod;
}

static Module *module_load(const wasm_byte_vec_t *binary)
{
  if (!binary || (!binary->data && binary->size))
    return NULL;
  char err[256];
  Module *m = decode_module((const uint8_t *)binary->data, binary->size, err, sizeof err);
  if (m && !validate_module(m, err, sizeof err)) {
    module_free(m);
    m = NULL;
  }
  return m;
}

wasm_module_t *wasm_module_new(wasm_store_t *store, const wasm_byte_vec_t *binary)
{
  (void)store;
  Module *m = module_load(binary);
  struct ModuleRef *ref = m ? module_ref_new(m) : NULL;
  if (!ref) {
    if (m)
      module_free(m);
    return NULL;
  }
  wasm_module_t *mod = module_wrap(ref);
  module_ref_release(ref); /* the wrapper holds it */
  return mod;
}

bool wasm_module_validate(wasm_store_t *store, const wasm_byte_vec_t *binary)
{
  (void)store;
  Module *m = module_load(binary);
  if (m)
    module_free(m);
  return m != NULL;
}

static void name_of(wasm_name_t *out, const char *s, uint32_t len)
{
  wasm_byte_vec_new(out, len, s);
}

static wasm_externtype_t *import_type(const Module *m, const Import *imp)
{
  switch (imp->kind) {
  case EXTERN_FUNC: return (wasm_externtype_t *)capi_functype_of(&m->types[imp->u.type_index]);
  case EXTERN_TABLE: return capi_tabletype_of(&imp->u.table);
  case EXTERN_MEMORY: return capi_memorytype_of(&imp->u.memory);
  default: return capi_globaltype_of(&imp->u.global);
  }
}

void wasm_module_imports(const wasm_module_t *mod, wasm_importtype_vec_t *out)
{
  const Module *m = module_ref_module(mod->module);
  wasm_importtype_vec_new_uninitialized(out, m->num_imports);
  for (size_t i = 0; i < out->size; i++) {
    const Import *imp = &m->imports[i];
    wasm_name_t module, name;
    name_of(&module, imp->module_name, imp->module_name_len);
    name_of(&name, imp->field_name, imp->field_name_len);
    out->data[i] = wasm_importtype_new(&module, &name, import_type(m, imp));
  }
}

void wasm_module_exports(const wasm_module_t *mod, wasm_exporttype_vec_t *out)
{
  const Module *m = module_ref_module(mod->module);
  wasm_exporttype_vec_new_uninitialized(out, m->num_exports);
  for (size_t i = 0; i < out->size; i++) {
    const Export *e = &m->exports[i];
    wasm_externtype_t *type;
    switch (e->kind) {
    case EXTERN_FUNC: type = (wasm_externtype_t *)capi_functype_of(module_func_type(m, e->index)); break;
    case EXTERN_TABLE: type = capi_tabletype_of(&m->tables[e->index]); break;
    case EXTERN_MEMORY: type = capi_memorytype_of(&m->memories[e->index]); break;
    default: type = capi_globaltype_of(&m->global_types[e->index]); break;
    }
    wasm_name_t name;
    name_of(&name, e->name, e->name_len);
    out->data[i] = wasm_exporttype_new(&name, type);
  }
}

/* The serialized form is the module's own binary: deserializing decodes
 * and validates it again (compiled code is remade lazily, per tier). */
void wasm_module_serialize(const wasm_module_t *mod, wasm_byte_vec_t *out)
{
  const Module *m = module_ref_module(mod->module);
  wasm_byte_vec_new(out, m->size, (const wasm_byte_t *)m->bytes);
}

wasm_module_t *wasm_module_deserialize(wasm_store_t *store, const wasm_byte_vec_t *bytes)
{
  return wasm_module_new(store, bytes);
}

void wasm_shared_module_delete(wasm_shared_module_t *shared)
{
  if (shared) {
    module_ref_release(shared->module);
    free(shared);
  }
}

wasm_shared_module_t *wasm_module_share(const wasm_module_t *mod)
{
  wasm_shared_module_t *shared = malloc(sizeof *shared);
  if (!shared)
    return NULL;
  shared->module = mod->module;
  module_ref_acquire(shared->module);
  return shared;
}

wasm_module_t *wasm_module_obtain(wasm_store_t *store, const wasm_shared_module_t *shared)
{
  (void)store;
  return shared ? module_wrap(shared->module) : NULL;
}

/* --- instances --- */

static void release_instance(wasm_ref_t *r)
{
  instance_unref(((wasm_instance_t *)r)->inst);
  free(r);
}

/* The imports, in the module's order (the C API links by position). */
typedef struct ImportList {
  const wasm_extern_vec_t *imports;
  size_t next;
} ImportList;

static bool resolve_by_position(void *data, const Import *imp, ExternVal *out)
{
  (void)imp;
  ImportList *list = data;
  if (!list->imports || list->next >= list->imports->size)
    return false;
  const wasm_extern_t *e = list->imports->data[list->next++];
  if (!e)
    return false;
  out->owner = NULL;
  switch (e->ref.kind) {
  case CAPI_FUNC:
    out->kind = EXTERN_FUNC;
    out->u.func = ((const wasm_func_t *)e)->f;
    out->owner = ((const wasm_func_t *)e)->owner;
    break;
  case CAPI_GLOBAL:
    out->kind = EXTERN_GLOBAL;
    out->u.global = ((const wasm_global_t *)e)->g;
    break;
  case CAPI_TABLE:
    out->kind = EXTERN_TABLE;
    out->u.table = ((const wasm_table_t *)e)->t;
    break;
  default:
    out->kind = EXTERN_MEMORY;
    out->u.memory = ((const wasm_memory_t *)e)->m;
    break;
  }
  return true;
}

wasm_instance_t *wasm_instance_new(wasm_store_t *store, const wasm_module_t *mod,
                                   const wasm_extern_vec_t *imports, wasm_trap_t **trap)
{
  if (trap)
    *trap = NULL;
  if (!store || !mod)
    return NULL;
  ImportList list = {imports, 0};
  char err[256];
  Instance *inst = instance_new_with_ref(module_ref_module(mod->module), mod->module,
                                         resolve_by_position, &list, DEFAULT_WASM_STACK_SIZE, err,
                                         sizeof err);
  if (!inst) {
    if (trap)
      *trap = trap_make(err, NULL);
    return NULL;
  }
  inst->running_mode = (int)store->engine->mode;
  wasm_instance_t *wi = calloc(1, sizeof *wi);
  if (!wi) {
    instance_unref(inst);
    return NULL;
  }
  ref_init(&wi->ref, CAPI_INSTANCE, inst, release_instance);
  wi->inst = inst; /* takes instance_new's reference */
  wi->store = store;
  return wi;
}

void wasm_instance_exports(const wasm_instance_t *wi, wasm_extern_vec_t *out)
{
  Instance *inst = wi->inst;
  const Module *m = inst->module;
  wasm_extern_vec_new_uninitialized(out, m->num_exports);
  for (size_t i = 0; i < out->size; i++) {
    const Export *e = &m->exports[i];
    switch (e->kind) {
    case EXTERN_FUNC: {
      wasm_func_t *fn = func_wrap(inst->funcs[e->index], wi->store);
      if (fn && !fn->owner) {
        /* a host function re-exported: keep the exporter anyway */
        fn->owner = inst;
        instance_ref(inst);
      }
      out->data[i] = (wasm_extern_t *)fn;
      break;
    }
    case EXTERN_TABLE: out->data[i] = (wasm_extern_t *)table_wrap(inst->tables[e->index], wi->store); break;
    case EXTERN_MEMORY: out->data[i] = (wasm_extern_t *)memory_wrap(inst->memories[e->index]); break;
    default: out->data[i] = (wasm_extern_t *)global_wrap(inst->globals[e->index]); break;
    }
  }
}
