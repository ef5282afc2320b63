/*
 * llvm_jit.c -- the LLVM JIT: compilation units, the per-module code cache,
 * and ORC.
 *
 * We run the optimisation pipeline and the code generator ourselves, one
 * LLVM context and target machine per compiling thread, and hand ORC LLJIT
 * finished object files to link: compilation then runs in parallel on any
 * threads (LLJIT's own compile layer shares one target machine), and the
 * same steps serve the AOT compiler, which writes the object instead.
 *
 * Compiled code calls the runtime through the translator's helper symbols,
 * defined once in the JIT as absolute addresses.  Each module's code lives
 * under a resource tracker of its own, removed when the Module is freed.
 */
#include "llvm_jit.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Error.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wp_config.h"
#include "../llvm/llvm_translate.h"
#include "../runtime/compiled.h"

/* --- settings --- */

static atomic_uint opt_level = 3;
static atomic_uint size_level = 0;
static atomic_bool eager_compilation = false;
static atomic_ulong compiled_count;

void llvm_jit_set_options(unsigned opt, unsigned size, bool eager)
{
  atomic_store(&opt_level, opt > 3 ? 3 : opt);
  atomic_store(&size_level, size > 2 ? 2 : size);
  atomic_store(&eager_compilation, eager);
}

unsigned long llvm_jit_compiled_count(void) { return atomic_load(&compiled_count); }

/* --- the JIT and the target machines --- */

static LLVMOrcLLJITRef jit;
static char jit_error[256];
static pthread_once_t jit_once = PTHREAD_ONCE_INIT;

static void take_error(LLVMErrorRef e, char *buf, size_t size)
{
  char *msg = LLVMGetErrorMessage(e);
  snprintf(buf, size, "LLVM JIT: %s", msg);
  LLVMDisposeErrorMessage(msg);
}

static void jit_create(void)
{
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
  LLVMErrorRef e = LLVMOrcCreateLLJIT(&jit, NULL);
  if (e) {
    take_error(e, jit_error, sizeof jit_error);
    jit = NULL;
    return;
  }
  LLVMOrcCSymbolMapPair pairs[LLVM_HELPER_COUNT];
  for (int h = 0; h < LLVM_HELPER_COUNT; h++) {
    pairs[h].Name = LLVMOrcLLJITMangleAndIntern(jit, llvm_helper_symbol(h));
    pairs[h].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)llvm_helper_address(h);
    pairs[h].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
    pairs[h].Sym.Flags.TargetFlags = 0;
  }
  e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), LLVMOrcAbsoluteSymbols(pairs, LLVM_HELPER_COUNT));
  if (e) {
    take_error(e, jit_error, sizeof jit_error);
    jit = NULL;
  }
}

/* Target machines are not shared between threads at once: a pool hands one
 * to each compilation (kept for reuse, one per level). */
typedef struct PooledMachine {
  LLVMTargetMachineRef tm;
  unsigned level;
  struct PooledMachine *next;
} PooledMachine;

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static PooledMachine *pool;

static PooledMachine *machine_take(unsigned level, char *err, size_t err_size)
{
  pthread_mutex_lock(&pool_lock);
  for (PooledMachine **p = &pool; *p; p = &(*p)->next)
    if ((*p)->level == level) {
      PooledMachine *m = *p;
      *p = m->next;
      pthread_mutex_unlock(&pool_lock);
      return m;
    }
  pthread_mutex_unlock(&pool_lock);

  char *triple = LLVMGetDefaultTargetTriple();
  LLVMTargetRef target;
  char *msg = NULL;
  if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
    snprintf(err, err_size, "LLVM JIT: %s", msg);
    LLVMDisposeMessage(msg);
    LLVMDisposeMessage(triple);
    return NULL;
  }
  static const LLVMCodeGenOptLevel levels[] = {LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
                                               LLVMCodeGenLevelDefault, LLVMCodeGenLevelAggressive};
  char *cpu = LLVMGetHostCPUName();
  char *features = LLVMGetHostCPUFeatures();
  PooledMachine *m = calloc(1, sizeof *m);
  m->level = level;
  m->tm = LLVMCreateTargetMachine(target, triple, cpu, features, levels[level], LLVMRelocPIC,
                                  LLVMCodeModelJITDefault);
  LLVMDisposeMessage(cpu);
  LLVMDisposeMessage(features);
  LLVMDisposeMessage(triple);
  return m;
}

static void machine_give_back(PooledMachine *m)
{
  pthread_mutex_lock(&pool_lock);
  m->next = pool;
  pool = m;
  pthread_mutex_unlock(&pool_lock);
}

/* --- a module's code --- */

enum { FUNC_NONE, FUNC_COMPILING, FUNC_DONE, FUNC_FAILED };

typedef struct LlvmCode {
  TierCache base;
  struct LlvmCode *_Atomic checked; /* the bounds-checked variant, if needed */
  bool bounds_checks;
  char prefix[40];
  uint32_t num_defs;
  LLVMOrcResourceTrackerRef tracker;
  pthread_mutex_t lock;
  pthread_cond_t done;
  bool eager_started;
  uint8_t *state;        /* FUNC_* per definition, under lock */
  char error[256];       /* the first failure */
  void *_Atomic slots[]; /* code per definition (translator: LlvmTranslateOptions.slots) */
} LlvmCode;

static void llvm_code_free(LlvmCode *lc)
{
  if (lc == NULL)
    return;
  llvm_code_free(atomic_load(&lc->checked));
  if (lc->tracker) {
    LLVMErrorRef e = LLVMOrcResourceTrackerRemove(lc->tracker);
    if (e)
      LLVMConsumeError(e);
    LLVMOrcReleaseResourceTracker(lc->tracker);
  }
  pthread_mutex_destroy(&lc->lock);
  pthread_cond_destroy(&lc->done);
  free(lc->state);
  free(lc);
}

static void llvm_code_release(TierCache *cache) { llvm_code_free((LlvmCode *)cache); }

static atomic_uint next_module_id;

static LlvmCode *llvm_code_new(const Module *m, bool bounds_checks)
{
  uint32_t n = m->num_funcs - m->num_imported_funcs;
  LlvmCode *lc = calloc(1, sizeof *lc + (size_t)n * sizeof(void *));
  if (!lc)
    return NULL;
  lc->state = calloc(n ? n : 1, 1);
  if (!lc->state) {
    free(lc);
    return NULL;
  }
  lc->base.release = llvm_code_release;
  lc->bounds_checks = bounds_checks;
  lc->num_defs = n;
  snprintf(lc->prefix, sizeof lc->prefix, "wp%u%c_", atomic_fetch_add(&next_module_id, 1),
           bounds_checks ? 'c' : 'g');
  pthread_mutex_init(&lc->lock, NULL);
  pthread_cond_init(&lc->done, NULL);
  lc->tracker = LLVMOrcJITDylibCreateResourceTracker(LLVMOrcLLJITGetMainJITDylib(jit));
  return lc;
}

/* Publishes a fresh LlvmCode in *slot unless another thread did first. */
static LlvmCode *publish_code(void *_Atomic *slot, const Module *m, bool bounds_checks)
{
  LlvmCode *lc = atomic_load_explicit(slot, memory_order_acquire);
  if (lc)
    return lc;
  LlvmCode *fresh = llvm_code_new(m, bounds_checks);
  if (!fresh)
    return NULL;
  void *expected = NULL;
  if (atomic_compare_exchange_strong(slot, &expected, fresh))
    return fresh;
  llvm_code_free(fresh);
  return expected;
}

/* --- compiling --- */

/* Translates, optimises and generates code for defs into an object file. */
static LLVMMemoryBufferRef compile_object(LlvmCode *lc, const Module *m, const uint32_t *defs, uint32_t n,
                                          char *err, size_t err_size)
{
  unsigned level = atomic_load(&opt_level), size = atomic_load(&size_level);
  PooledMachine *pm = machine_take(level, err, err_size);
  if (!pm)
    return NULL;
  LLVMContextRef ctx = LLVMContextCreate();
  LlvmTranslateOptions options = {lc->prefix, lc->slots, lc->bounds_checks};
  LLVMMemoryBufferRef object = NULL;
  LLVMModuleRef mod = llvm_translate(ctx, m, defs, n, &options, err, err_size);
  if (mod) {
    char *triple = LLVMGetTargetMachineTriple(pm->tm);
    LLVMSetTarget(mod, triple);
    LLVMDisposeMessage(triple);
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(pm->tm);
    LLVMSetModuleDataLayout(mod, layout);
    LLVMDisposeTargetData(layout);

    char *msg = NULL;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
      snprintf(err, err_size, "LLVM JIT: invalid IR: %.200s", msg);
    } else {
      char pipeline[32];
      if (size > 0 && level > 0)
        snprintf(pipeline, sizeof pipeline, "default<O%s>", size == 1 ? "s" : "z");
      else
        snprintf(pipeline, sizeof pipeline, "default<O%u>", level);
      LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
      LLVMErrorRef e = LLVMRunPasses(mod, pipeline, pm->tm, pbo);
      LLVMDisposePassBuilderOptions(pbo);
      if (e) {
        take_error(e, err, err_size);
      } else if (LLVMTargetMachineEmitToMemoryBuffer(pm->tm, mod, LLVMObjectFile, &msg, &object)) {
        snprintf(err, err_size, "LLVM JIT: %.200s", msg);
        object = NULL;
      }
    }
    LLVMDisposeMessage(msg);
    LLVMDisposeModule(mod);
  }
  LLVMContextDispose(ctx);
  machine_give_back(pm);
  return object;
}

/* Links an object and publishes the code of defs in the slots. */
static bool link_object(LlvmCode *lc, LLVMMemoryBufferRef object, const uint32_t *defs, uint32_t n,
                        char *err, size_t err_size)
{
  LLVMErrorRef e = LLVMOrcLLJITAddObjectFileWithRT(jit, lc->tracker, object);
  if (e) {
    take_error(e, err, err_size);
    return false;
  }
  char name[64];
  for (uint32_t i = 0; i < n; i++) {
    LLVMOrcExecutorAddress addr = 0;
    llvm_function_symbol(name, sizeof name, lc->prefix, defs[i]);
    e = LLVMOrcLLJITLookup(jit, &addr, name);
    if (e) {
      take_error(e, err, err_size);
      return false;
    }
    atomic_store_explicit(&lc->slots[defs[i]], (void *)(uintptr_t)addr, memory_order_release);
  }
  atomic_fetch_add(&compiled_count, n);
  return true;
}

/* --- eager: the whole module on every core --- */

typedef struct Worker {
  pthread_t thread;
  LlvmCode *lc;
  const Module *m;
  uint32_t *defs;
  uint32_t n;
  LLVMMemoryBufferRef object;
  char error[256];
} Worker;

static void *worker_run(void *arg)
{
  Worker *w = arg;
  w->object = compile_object(w->lc, w->m, w->defs, w->n, w->error, sizeof w->error);
  return NULL;
}

/* Compiles every definition no one has compiled yet; the caller holds
 * nothing.  Functions in one worker's unit call each other directly. */
static void compile_eagerly(LlvmCode *lc, const Module *m)
{
  pthread_mutex_lock(&lc->lock);
  if (lc->eager_started) {
    pthread_mutex_unlock(&lc->lock);
    return;
  }
  lc->eager_started = true;
  uint32_t *todo = malloc((lc->num_defs ? lc->num_defs : 1) * sizeof *todo);
  uint32_t n = 0;
  for (uint32_t d = 0; d < lc->num_defs; d++)
    if (lc->state[d] == FUNC_NONE) {
      lc->state[d] = FUNC_COMPILING;
      todo[n++] = d;
    }
  pthread_mutex_unlock(&lc->lock);

  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  uint32_t workers = cores < 1 ? 1 : (uint32_t)cores;
  if (workers > n)
    workers = n ? n : 1;
  Worker *w = calloc(workers, sizeof *w);
  /* Round-robin, so that big and small functions spread evenly. */
  for (uint32_t i = 0; i < workers; i++) {
    w[i].lc = lc;
    w[i].m = m;
    w[i].defs = malloc(((n + workers - 1) / workers + 1) * sizeof(uint32_t));
  }
  for (uint32_t i = 0; i < n; i++)
    w[i % workers].defs[w[i % workers].n++] = todo[i];
  for (uint32_t i = 1; i < workers; i++)
    if (pthread_create(&w[i].thread, NULL, worker_run, &w[i]) != 0)
      worker_run(&w[i]), w[i].thread = 0;
  worker_run(&w[0]);
  for (uint32_t i = 1; i < workers; i++)
    if (w[i].thread)
      pthread_join(w[i].thread, NULL);

  char error[256] = "";
  for (uint32_t i = 0; i < workers; i++) {
    bool ok = w[i].object && link_object(lc, w[i].object, w[i].defs, w[i].n, error, sizeof error);
    if (!w[i].object)
      snprintf(error, sizeof error, "%s", w[i].error);
    pthread_mutex_lock(&lc->lock);
    for (uint32_t k = 0; k < w[i].n; k++)
      lc->state[w[i].defs[k]] = ok ? FUNC_DONE : FUNC_FAILED;
    if (!ok && !lc->error[0])
      snprintf(lc->error, sizeof lc->error, "%s", error);
    pthread_mutex_unlock(&lc->lock);
    free(w[i].defs);
  }
  pthread_mutex_lock(&lc->lock);
  pthread_cond_broadcast(&lc->done);
  pthread_mutex_unlock(&lc->lock);
  free(w);
  free(todo);
}

/* --- lazy: one function, compiled by its first caller --- */

static void *code_of(ExecEnv *env, LlvmCode *lc, const Module *m, uint32_t def)
{
  void *code = atomic_load_explicit(&lc->slots[def], memory_order_acquire);
  if (code)
    return code;
  if (atomic_load(&eager_compilation))
    compile_eagerly(lc, m);

  pthread_mutex_lock(&lc->lock);
  while (lc->state[def] == FUNC_COMPILING)
    pthread_cond_wait(&lc->done, &lc->lock);
  bool mine = lc->state[def] == FUNC_NONE;
  if (mine)
    lc->state[def] = FUNC_COMPILING;
  uint8_t state = lc->state[def];
  pthread_mutex_unlock(&lc->lock);

  char error[256] = "";
  if (mine) {
    LLVMMemoryBufferRef object = compile_object(lc, m, &def, 1, error, sizeof error);
    bool ok = object && link_object(lc, object, &def, 1, error, sizeof error);
    pthread_mutex_lock(&lc->lock);
    lc->state[def] = state = ok ? FUNC_DONE : FUNC_FAILED;
    if (!ok && !lc->error[0])
      snprintf(lc->error, sizeof lc->error, "%s", error);
    pthread_cond_broadcast(&lc->done);
    pthread_mutex_unlock(&lc->lock);
  }
  if (state != FUNC_DONE) {
    pthread_mutex_lock(&lc->lock);
    if (!error[0])
      snprintf(error, sizeof error, "%s", lc->error[0] ? lc->error : "LLVM JIT: compilation failed");
    pthread_mutex_unlock(&lc->lock);
    trap_raise_message(env, error);
  }
  return atomic_load_explicit(&lc->slots[def], memory_order_acquire);
}

void llvm_jit_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  pthread_once(&jit_once, jit_create);
  if (!jit)
    trap_raise_message(env, jit_error);
  Instance *inst = f->instance;
  Module *m = (Module *)inst->module;
  LlvmCode *lc = publish_code(&m->llvm_code, m, WP_BOUNDS_CHECKS);
  /* Code made for guarded memories cannot run on one whose reservation
   * failed: such an instance gets the checked variant. */
  if (lc && !lc->bounds_checks && m->num_memories && !inst->memories[0]->guarded)
    lc = publish_code((void *_Atomic *)&lc->checked, m, true);
  if (!lc)
    trap_raise_message(env, "out of memory compiling with LLVM");
  void *code = code_of(env, lc, m, f->index - m->num_imported_funcs);
  atomic_store_explicit(&f->code, code, memory_order_release);
  compiled_invoke(env, f->type, code, argv);
}
