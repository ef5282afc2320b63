/*
 * aot_compile.c -- the AOT compiler (aot_compile.h): chunks of functions
 * translated by engine/llvm/ on worker threads, optimised, emitted as ELF
 * objects for the loader, and written into the container.
 */
#include "aot_compile.h"

#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../llvm/llvm_translate.h"
#include "aot_file.h"
#include "aot_helpers.h"
#include "common/error.h"
#include "cpu_features.h"

#define AOT_SYMBOL_PREFIX "aot_"
/* A chunk: consecutive functions until this much Wasm code (or this many
 * functions).  Small enough to spread a module over the threads, big
 * enough that LLVM sees callers and callees together. */
#define CHUNK_CODE_BYTES (64u * 1024u)
#define CHUNK_MAX_FUNCS 1024u

typedef struct Chunk {
  uint32_t first, count;
  uint8_t *object;
  size_t object_size;
} Chunk;

typedef struct Job {
  const Module *m;
  const AotCompileOptions *o;
  const char *triple, *cpu, *features;
  Chunk *chunks;
  uint32_t num_chunks;
  atomic_uint next;
  atomic_bool failed;
  pthread_mutex_t lock; /* the error and the progress */
  uint32_t funcs_done, funcs_total;
  char error[256];
} Job;

static pthread_once_t llvm_once = PTHREAD_ONCE_INIT;

static void llvm_init(void)
{
  LLVMInitializeNativeTarget();
  LLVMInitializeNativeAsmPrinter();
}

static void job_fail(Job *job, const char *fmt, const char *detail)
{
  pthread_mutex_lock(&job->lock);
  if (!atomic_load(&job->failed)) {
    snprintf(job->error, sizeof job->error, fmt, detail);
    atomic_store(&job->failed, true);
  }
  pthread_mutex_unlock(&job->lock);
}

static LLVMTargetMachineRef make_machine(Job *job)
{
  static const LLVMCodeGenOptLevel levels[] = {LLVMCodeGenLevelNone, LLVMCodeGenLevelLess,
                                               LLVMCodeGenLevelDefault, LLVMCodeGenLevelAggressive};
  LLVMTargetRef target;
  char *msg = NULL;
  if (LLVMGetTargetFromTriple(job->triple, &target, &msg)) {
    job_fail(job, "no LLVM target: %s", msg);
    LLVMDisposeMessage(msg);
    return NULL;
  }
  /* PIC, small code model: calls to helpers are PLT32 and addresses come
   * from the GOT, both of which the loader builds. */
  return LLVMCreateTargetMachine(target, job->triple, job->cpu, job->features,
                                 levels[job->o->opt_level], LLVMRelocPIC, LLVMCodeModelSmall);
}

static bool compile_chunk(Job *job, LLVMTargetMachineRef tm, Chunk *c)
{
  uint32_t *defs = malloc((c->count + 1) * sizeof *defs);
  if (!defs) {
    job_fail(job, "%s", "out of memory");
    return false;
  }
  for (uint32_t i = 0; i < c->count; i++)
    defs[i] = c->first + i;
  char err[256] = "";
  LLVMContextRef ctx = LLVMContextCreate();
  LlvmTranslateOptions options = {AOT_SYMBOL_PREFIX, NULL, job->o->bounds_checks};
  LLVMModuleRef mod = llvm_translate(ctx, job->m, defs, c->count, &options, err, sizeof err);
  free(defs);
  bool ok = false;
  if (!mod) {
    job_fail(job, "%s", err);
  } else {
    LLVMSetTarget(mod, job->triple);
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(tm);
    LLVMSetModuleDataLayout(mod, layout);
    LLVMDisposeTargetData(layout);
    char *msg = NULL;
    char pipeline[32];
    unsigned level = job->o->opt_level, size = job->o->size_level;
    if (size > 0 && level > 0)
      snprintf(pipeline, sizeof pipeline, "default<O%s>", size == 1 ? "s" : "z");
    else
      snprintf(pipeline, sizeof pipeline, "default<O%u>", level);
    LLVMMemoryBufferRef object = NULL;
    LLVMErrorRef e;
    if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
      job_fail(job, "invalid IR from the translator: %.200s", msg);
    } else {
      LLVMPassBuilderOptionsRef pbo = LLVMCreatePassBuilderOptions();
      e = LLVMRunPasses(mod, pipeline, tm, pbo);
      LLVMDisposePassBuilderOptions(pbo);
      if (e) {
        char *m = LLVMGetErrorMessage(e);
        job_fail(job, "LLVM: %.200s", m);
        LLVMDisposeErrorMessage(m);
      } else if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, &object)) {
        job_fail(job, "LLVM: %.200s", msg);
      } else {
        c->object_size = LLVMGetBufferSize(object);
        c->object = malloc(c->object_size ? c->object_size : 1);
        if (c->object) {
          memcpy(c->object, LLVMGetBufferStart(object), c->object_size);
          ok = true;
        } else {
          job_fail(job, "%s", "out of memory");
        }
        LLVMDisposeMemoryBuffer(object);
      }
    }
    LLVMDisposeMessage(msg);
    LLVMDisposeModule(mod);
  }
  LLVMContextDispose(ctx);
  return ok;
}

static void *worker(void *arg)
{
  Job *job = arg;
  LLVMTargetMachineRef tm = make_machine(job);
  if (!tm)
    return NULL;
  for (;;) {
    uint32_t i = atomic_fetch_add(&job->next, 1);
    if (i >= job->num_chunks || atomic_load(&job->failed))
      break;
    if (!compile_chunk(job, tm, &job->chunks[i]))
      break;
    pthread_mutex_lock(&job->lock);
    job->funcs_done += job->chunks[i].count;
    if (job->o->progress)
      job->o->progress(job->o->progress_data, job->funcs_done, job->funcs_total);
    pthread_mutex_unlock(&job->lock);
  }
  LLVMDisposeTargetMachine(tm);
  return NULL;
}

/* Splits the definitions by a rule of the module alone (not the threads). */
static Chunk *make_chunks(const Module *m, uint32_t *num_chunks)
{
  uint32_t n = m->num_funcs - m->num_imported_funcs;
  Chunk *chunks = calloc(n ? n : 1, sizeof *chunks);
  if (!chunks)
    return NULL;
  uint32_t k = 0;
  for (uint32_t d = 0; d < n;) {
    size_t bytes = 0;
    uint32_t first = d;
    while (d < n && d - first < CHUNK_MAX_FUNCS && (d == first || bytes < CHUNK_CODE_BYTES)) {
      bytes += (size_t)(m->funcs[d].end - m->funcs[d].body);
      d++;
    }
    chunks[k++] = (Chunk){first, d - first, NULL, 0};
  }
  *num_chunks = k;
  return chunks;
}

/* The translator's helper symbols must be what the loader resolves. */
static bool helpers_agree(char *err, uint32_t err_size)
{
  for (int h = 0; h < LLVM_HELPER_COUNT; h++)
    if (aot_helper_lookup(llvm_helper_symbol((LlvmHelper)h)) != llvm_helper_address((LlvmHelper)h))
      return error_set(err, err_size, "AOT loader and LLVM translator disagree on helper '%s'",
                       llvm_helper_symbol((LlvmHelper)h));
  return true;
}

/* Checks a "+a,-b" list: every feature named must be one the loader can
 * check on the running CPU. */
static bool features_known(const char *list, char *err, uint32_t err_size)
{
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, ",");
    char name[64];
    if (len < 2 || (p[0] != '+' && p[0] != '-') || len - 1 >= sizeof name)
      return error_set(err, err_size, "bad CPU feature list '%s' (+name,-name,...)", list);
    memcpy(name, p + 1, len - 1);
    name[len - 1] = '\0';
    if (!cpu_feature_known(name))
      return error_set(err, err_size, "unknown CPU feature '%s'", name);
    p += len;
    if (*p == ',')
      p++;
  }
  return true;
}

bool aot_compile(const Module *m, const uint8_t *wasm, size_t wasm_size,
                 const AotCompileOptions *o, uint8_t **out, size_t *out_size, char *err,
                 uint32_t err_size)
{
  if (o->opt_level > 3 || o->size_level > 3)
    return error_set(err, err_size, "optimisation levels are 0 to 3");
  if (!helpers_agree(err, err_size))
    return false;
  const char *cpu = o->cpu ? o->cpu : "x86-64";
  const char *features = o->cpu_features;
  if (!features)
    features = o->cpu ? cpu_level_features(cpu) : cpu_features_host();
  if (!features)
    return error_set(err, err_size,
                     "--cpu=%s needs --cpu-features: the loader must be able to check them", cpu);
  if (!features_known(features, err, err_size))
    return false;
  pthread_once(&llvm_once, llvm_init);

  Job job = {.m = m, .o = o, .triple = aot_host_triple(), .cpu = cpu, .features = features};
  job.funcs_total = m->num_funcs - m->num_imported_funcs;
  job.chunks = make_chunks(m, &job.num_chunks);
  if (!job.chunks)
    return error_set(err, err_size, "out of memory");
  pthread_mutex_init(&job.lock, NULL);
  unsigned threads = o->threads ? o->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
  if (threads < 1)
    threads = 1;
  if (threads > job.num_chunks)
    threads = job.num_chunks ? job.num_chunks : 1;
  /* an empty module still gets one (empty) object */
  if (job.num_chunks == 0)
    job.num_chunks = 1;

  pthread_t *tids = calloc(threads, sizeof *tids);
  unsigned started = 0;
  if (tids) {
    /* LLVM's code generation nests deeply: give workers room */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16u << 20);
    for (; started < threads; started++)
      if (pthread_create(&tids[started], &attr, worker, &job) != 0)
        break;
    pthread_attr_destroy(&attr);
  }
  if (started == 0)
    worker(&job);
  for (unsigned i = 0; i < started; i++)
    pthread_join(tids[i], NULL);
  free(tids);

  bool ok = !atomic_load(&job.failed);
  if (!ok)
    error_set(err, err_size, "%s", job.error);
  if (ok) {
    uint32_t n = job.funcs_total;
    char **symbols = calloc(n ? n : 1, sizeof *symbols);
    const uint8_t **objects = calloc(job.num_chunks, sizeof *objects);
    size_t *sizes = calloc(job.num_chunks, sizeof *sizes);
    ok = symbols && objects && sizes;
    for (uint32_t i = 0; ok && i < n; i++) {
      symbols[i] = malloc(32);
      ok = symbols[i] != NULL;
      if (ok)
        snprintf(symbols[i], 32, AOT_SYMBOL_PREFIX "f%u", i);
    }
    for (uint32_t i = 0; ok && i < job.num_chunks; i++) {
      objects[i] = job.chunks[i].object;
      sizes[i] = job.chunks[i].object_size;
    }
    if (!ok) {
      error_set(err, err_size, "out of memory");
    } else {
      AotWriteInput in = {
          .opt_level = o->opt_level,
          .size_level = o->size_level,
          .bounds_checks = o->bounds_checks,
          .triple = job.triple,
          .cpu = cpu,
          .cpu_features = features,
          .wasm = wasm,
          .wasm_size = wasm_size,
          .num_objects = job.num_chunks,
          .objects = objects,
          .object_sizes = sizes,
          .num_funcs = n,
          .func_symbols = (const char *const *)symbols,
      };
      ok = aot_file_write(&in, out, out_size, err, err_size);
    }
    if (symbols)
      for (uint32_t i = 0; i < n; i++)
        free(symbols[i]);
    free(symbols);
    free(objects);
    free(sizes);
  }
  for (uint32_t i = 0; i < job.num_chunks; i++)
    free(job.chunks[i].object);
  free(job.chunks);
  pthread_mutex_destroy(&job.lock);
  return ok;
}
