/*
 * jit_fast.c -- the Fast JIT as a tier: the per-module cache, lazy
 * compilation on a function's first call, publication, and the entry from
 * the host (jit_fast.h).
 */
#include "jit_fast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../runtime/compiled.h"
#include "jit_module.h"
#include "wp_config.h"
#if WP_HAVE_FAST_INTERP
#include "../interp-fast/interp_fast.h"
#elif WP_HAVE_CLASSIC_INTERP
#include "../interp-classic/interp_classic.h"
#endif

static void jit_module_release(TierCache *cache)
{
  JitModule *jm = (JitModule *)cache;
  codemem_release(&jm->owner);
  pthread_mutex_destroy(&jm->lock);
  free((void *)jm->code);
  free(jm);
}

/* Memory 0 of inst needs explicit checks (no guard region). */
static bool needs_checks(const Instance *inst)
{
  if (WP_BOUNDS_CHECKS)
    return true;
  return inst != NULL && inst->module->num_memories > 0 && !inst->memories[0]->guarded;
}

static JitModule *jit_module_of(const Module *m, bool checks)
{
  Module *mm = (Module *)m; /* the cache slot is the one field tiers write */
  JitModule *jm = __atomic_load_n((JitModule **)&mm->jit_code, __ATOMIC_ACQUIRE);
  if (jm != NULL)
    return jm;
  JitModule *fresh = calloc(1, sizeof *fresh);
  uint32_t n = m->num_funcs - m->num_imported_funcs;
  if (fresh == NULL)
    return NULL;
  fresh->code = calloc(n ? n : 1, sizeof(void *));
  if (fresh->code == NULL) {
    free(fresh);
    return NULL;
  }
  fresh->cache.release = jit_module_release;
  fresh->m = m;
  fresh->bounds_checks = checks;
  fresh->budget = module_side_budget(m);
  fresh->side_base = module_side_bytes(m);
  pthread_mutex_init(&fresh->lock, NULL);
  JitModule *expected = NULL;
  if (__atomic_compare_exchange_n((JitModule **)&mm->jit_code, &expected, fresh, false,
                                  __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return fresh;
  jit_module_release(&fresh->cache);
  return expected;
}

/* The code of defined function def, compiled now if it is not yet; NULL
 * with a message in err when it cannot be. */
static void *code_for(JitModule *jm, uint32_t def, char *err, size_t err_size)
{
  void *code = atomic_load_explicit(&jm->code[def], memory_order_acquire);
  if (code != NULL)
    return code;
  pthread_mutex_lock(&jm->lock);
  code = atomic_load_explicit(&jm->code[def], memory_order_acquire);
  if (code == NULL) {
    X64Buf out;
    const char *why = NULL;
    /* The module's code stays within its side budget (module.h): a
     * function may use what the module has left; only hostile shapes
     * (multi-value copies at many branches) get near it. */
    size_t used = jm->side_base + atomic_load(&jm->cache.bytes);
    size_t left = jm->budget > used ? jm->budget - used : 0;
    if (!jf_compile_function(jm, def, left, &out, &why)) {
      /* the reasons that say whose limit it is stand alone, as the fast
       * interpreter words its own ("function too large for ...") */
      if (strstr(why, "Fast JIT"))
        snprintf(err, err_size, "%s", why);
      else
        snprintf(err, err_size, "Fast JIT: cannot compile function %u: %s",
                 jm->m->num_imported_funcs + def, why);
    } else {
      code = codemem_install(&jm->owner, out.code, out.len);
      if (code == NULL)
        snprintf(err, err_size,
                 "Fast JIT code cache is full (%zu bytes; raise it with --jit-codecache-size)",
                 codemem_size());
      else {
        jm->code_bytes += out.len;
        atomic_fetch_add(&jm->cache.bytes, out.len);
      }
      x64_free(&out);
    }
    if (code != NULL)
      atomic_store_explicit(&jm->code[def], code, memory_order_release);
  }
  pthread_mutex_unlock(&jm->lock);
  return code;
}

void jit_fast_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  if (f->host) {
    runtime_call_host(env, f, argv);
    return;
  }
  void *code = atomic_load_explicit(&f->code, memory_order_acquire);
  if (code == NULL) {
    Instance *inst = f->instance;
    bool checks = needs_checks(inst);
    JitModule *jm = jit_module_of(inst->module, checks);
    if (jm == NULL)
      trap_raise_message(env, "Fast JIT: out of memory");
    if (checks && !jm->bounds_checks) {
      /* Code made for guarded memories cannot run on this unguarded one
       * (a failed reservation): interpret instead. */
#if WP_HAVE_FAST_INTERP
      interp_fast_call(env, f, argv);
#elif WP_HAVE_CLASSIC_INTERP
      interp_classic_call(env, f, argv);
#else
      trap_raise_message(env, "Fast JIT: memory without guard pages");
#endif
      return;
    }
    char err[160];
    code = code_for(jm, f->index - inst->module->num_imported_funcs, err, sizeof err);
    if (code == NULL)
      trap_raise_message(env, err);
    atomic_store_explicit(&f->code, code, memory_order_release);
  }
  compiled_invoke(env, f->type, code, argv);
}

bool jit_fast_set_code_cache_size(size_t bytes)
{
  return codemem_set_size(bytes);
}

size_t jit_fast_compile_all(const Module *m, char *err, size_t err_size)
{
  JitModule *jm = jit_module_of(m, WP_BOUNDS_CHECKS);
  if (jm == NULL) {
    snprintf(err, err_size, "out of memory");
    return 0;
  }
  uint32_t n = m->num_funcs - m->num_imported_funcs;
  for (uint32_t i = 0; i < n; i++)
    if (code_for(jm, i, err, err_size) == NULL)
      return 0;
  return jm->code_bytes ? jm->code_bytes : 1;
}
