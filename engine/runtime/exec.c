/*
 * exec.c -- execution environments and the host entry.
 *
 * runtime_call is the one place where C calls into Wasm (contract 3): it
 * pushes a TrapFrame that trap_raise and the fault handler jump to, and it
 * puts back everything a trap skips (the Wasm stack top, the running
 * instance, the thread's running env), so host -> Wasm -> host -> Wasm
 * nesting unwinds one level at a time.
 */
#define _GNU_SOURCE /* pthread_getattr_np */
#include "runtime.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backtrace.h"
#include "native_stack.h"
#include "tiers.h"

/* The env running Wasm on this thread, for the fault handler (memory.c). */
static _Thread_local ExecEnv *running_env;

ExecEnv *exec_env_running(void)
{
  return running_env;
}

ExecEnv *exec_env_new(Instance *inst, uint32_t stack_size)
{
  if (stack_size == 0)
    stack_size = inst && inst->default_stack_size ? inst->default_stack_size
                                                   : DEFAULT_WASM_STACK_SIZE;
  /* Slots are 8 bytes and frames keep 16-byte alignment. */
  stack_size = (stack_size + 15u) & ~15u;
  if (stack_size == 0)
    return NULL;

  ExecEnv *env = calloc(1, sizeof *env);
  if (env == NULL)
    return NULL;
  env->stack_base = malloc(stack_size);
  env->backtrace = calloc(1, sizeof *env->backtrace);
  if (env->stack_base == NULL || env->backtrace == NULL) {
    free(env->stack_base);
    free(env->backtrace);
    free(env);
    return NULL;
  }
  env->instance = inst;
  env->current = NULL;
  env->stack_size = stack_size;
  env->stack_top = env->stack_base;
  env->stack_limit = env->stack_base + stack_size;
  env->fuel = -1;
  return env;
}

void exec_env_free(ExecEnv *env)
{
  if (env == NULL)
    return;
  free(env->stack_base);
  free(env->backtrace);
  free(env);
}

static void set_exception(Instance *inst, const char *message)
{
  size_t n = strlen("Exception: ");
  memcpy(inst->exception, "Exception: ", n);
  size_t len = strlen(message);
  if (len > sizeof inst->exception - n - 1)
    len = sizeof inst->exception - n - 1;
  memcpy(inst->exception + n, message, len);
  inst->exception[n + len] = '\0';
  inst->has_exception = true;
}

/* --- the native stack (contract 5) --- */

/* Room left below the limit for what compiled code calls into: runtime
 * helpers, host functions, an interpreter, the trap path. */
#define NATIVE_STACK_RESERVE (128u * 1024u)

static _Thread_local uintptr_t thread_stack_low;
static _Thread_local size_t thread_stack_size;

static void find_thread_stack(void)
{
  pthread_attr_t attr;
  void *addr = NULL;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    if (pthread_attr_getstack(&attr, &addr, &size) != 0)
      addr = NULL, size = 0;
    pthread_attr_destroy(&attr);
  }
  thread_stack_low = (uintptr_t)addr;
  thread_stack_size = size;
}

/* The lowest stack address compiled code entered at `sp` may use: no deeper
 * than the configured stack size, and never into the reserve at the bottom
 * of the thread's real stack (a small-stack thread gets a quarter of it). */
static uintptr_t native_stack_limit_for(uintptr_t sp, uint32_t stack_size)
{
  if (thread_stack_size == 0)
    find_thread_stack();
  uintptr_t limit = sp > stack_size ? sp - stack_size : 0;
  if (thread_stack_size != 0) {
    size_t reserve = NATIVE_STACK_RESERVE;
    if (reserve > thread_stack_size / 4)
      reserve = thread_stack_size / 4;
    if (limit < thread_stack_low + reserve)
      limit = thread_stack_low + reserve;
  }
  return limit;
}

/* The fault handler runs on an alternate signal stack (contract 5), so a
 * fault with little stack left still reaches it.  One per thread, made the
 * first time the thread enters Wasm unless the thread has one (ASan's, the
 * embedder's), and released when the thread exits. */
#define ALT_STACK_SIZE (64u * 1024u)

static pthread_key_t alt_stack_key;
static pthread_once_t alt_stack_once = PTHREAD_ONCE_INIT;
static _Thread_local bool alt_stack_checked;

static void alt_stack_release(void *mem)
{
  stack_t none;
  memset(&none, 0, sizeof none);
  none.ss_flags = SS_DISABLE;
  sigaltstack(&none, NULL);
  munmap(mem, ALT_STACK_SIZE);
}

static void alt_stack_make_key(void)
{
  pthread_key_create(&alt_stack_key, alt_stack_release);
}

static void ensure_alt_stack(void)
{
  if (alt_stack_checked)
    return;
  alt_stack_checked = true;
  stack_t old;
  if (sigaltstack(NULL, &old) != 0 || !(old.ss_flags & SS_DISABLE))
    return;
  pthread_once(&alt_stack_once, alt_stack_make_key);
  void *mem = mmap(NULL, ALT_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED)
    return;
  stack_t ss;
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = mem;
  ss.ss_size = ALT_STACK_SIZE;
  if (sigaltstack(&ss, NULL) != 0) {
    munmap(mem, ALT_STACK_SIZE);
    return;
  }
  pthread_setspecific(alt_stack_key, mem);
}

static bool interrupted(const Instance *inst)
{
  return inst != NULL && atomic_load_explicit(&inst->interrupt, memory_order_relaxed) != 0;
}

TrapKind runtime_interrupt_kind(const ExecEnv *env)
{
  if (!interrupted(env->current) && !interrupted(env->instance))
    return TRAP_NONE;
  int why = env->current ? atomic_load(&env->current->interrupt) : 0;
  if (env->instance && atomic_load(&env->instance->interrupt) == INTERRUPT_TIME_LIMIT)
    why = INTERRUPT_TIME_LIMIT;
  return why == INTERRUPT_TIME_LIMIT ? TRAP_TIME_LIMIT : TRAP_TERMINATED;
}

/* Traps for the stop request on env's instances (contract 6). */
static void raise_interrupt(ExecEnv *env)
{
  trap_raise(env, runtime_interrupt_kind(env));
}

bool runtime_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  Instance *inst = env->instance;
  /* A new call starts clean, as the documented API's call_wasm does; a
   * host function relies on this to tell its own failure from an old one. */
  inst->has_exception = false;
  inst->exception[0] = '\0';

  if (env->native_depth >= MAX_NATIVE_DEPTH) {
    env->trap_kind = TRAP_STACK_EXHAUSTED;
    strcpy(env->trap_message, trap_message(TRAP_STACK_EXHAUSTED));
    set_exception(inst, env->trap_message);
    return false;
  }

  /* Contract 5: a Wasm entry needs its headroom on the C stack, or it
   * fails cleanly instead of crashing the process. */
  if (!native_stack_ok(env, NATIVE_STACK_GUARD)) {
    env->trap_kind = TRAP_NATIVE_STACK_OVERFLOW;
    strcpy(env->trap_message, trap_message(TRAP_NATIVE_STACK_OVERFLOW));
    set_exception(inst, env->trap_message);
    return false;
  }

  /* Saved before sigsetjmp and never changed after it, so they survive the
   * jump without `volatile`. */
  uint8_t *const saved_top = env->stack_top;
  Instance *const saved_current = env->current;
  ExecEnv *const saved_running = running_env;
  TierActivation *const saved_activation = env->activation;
  const bool outermost = env->native_depth == 0;
  TrapFrame frame;
  frame.prev = env->trap_frame;
  bool ok;
  /* An outermost entry on an env with a time limit runs under a watchdog
   * (contract 6); nested entries are inside its time. */
  Watchdog watchdog;
  const bool timed = env->native_depth == 0 && env->time_limit_ms != 0 &&
                     watchdog_start(&watchdog, inst, env->time_limit_ms);

  if (outermost) {
    ensure_alt_stack();
    env->native_stack_limit =
        native_stack_limit_for((uintptr_t)__builtin_frame_address(0), env->stack_size);
    /* an embedder's boundary (wasm_runtime_set_native_stack_boundary) */
    if ((uintptr_t)env->native_stack_boundary > env->native_stack_limit)
      env->native_stack_limit = (uintptr_t)env->native_stack_boundary;
    atomic_fetch_add(&inst->running, 1);
    env->backtrace->count = env->backtrace->skipped = 0;
  }
  env->native_depth++;
  env->trap_frame = &frame;
  running_env = env;
  /* savemask 0: the fault handler runs with SA_NODEFER, so no signal is
   * left blocked when it jumps here, and we skip a syscall per call. */
  if (sigsetjmp(frame.jmp, 0) == 0) {
    Instance *callee = f->instance ? f->instance : inst;
    env->current = callee;
    /* Contract 6: an instance stopped before the call does not start. */
    if (interrupted(inst) || interrupted(callee))
      raise_interrupt(env);
    tier_call(env, f, argv);
    ok = true;
  } else {
    if (env->trap_kind == TRAP_TERMINATED || env->trap_kind == TRAP_TIME_LIMIT) {
      /* A stop request reached the instance this env had called into. */
      if (env->current && env->current != inst)
        atomic_store(&env->current->interrupt, INTERRUPT_NONE);
    }
    if (env->trap_kind == TRAP_TIME_LIMIT) {
      /* This call's own time ran out: the instance is usable again. */
      int expected = INTERRUPT_TIME_LIMIT;
      atomic_compare_exchange_strong(&inst->interrupt, &expected, INTERRUPT_NONE);
    }
    set_exception(inst, env->trap_message);
    ok = false;
  }
  if (timed && watchdog_stop(&watchdog)) {
    /* Fired as the call ended: the request must not stop the next call. */
    int expected = INTERRUPT_TIME_LIMIT;
    atomic_compare_exchange_strong(&inst->interrupt, &expected, INTERRUPT_NONE);
  }

  if (outermost && atomic_fetch_sub(&inst->running, 1) == 1 && !ok) {
    /* A terminate is answered once the last thread that was running the
     * instance has left with a trap (every thread of it traps, contract 6;
     * a nested entry's trap may come back as its host function's failure):
     * the instance is usable again. */
    int expected = INTERRUPT_TERMINATE;
    atomic_compare_exchange_strong(&inst->interrupt, &expected, INTERRUPT_NONE);
  }
  env->activation = saved_activation;
  env->stack_top = saved_top;
  env->current = saved_current;
  env->trap_frame = frame.prev;
  env->native_depth--;
  running_env = saved_running;
  return ok;
}

void runtime_call_host(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  const HostFunc *h = f->host;
  Instance *caller = env->current ? env->current : env->instance;
  bool ok;

  if (h->ffi == NULL && h->raw) {
    /* A raw host function made inside the engine (not registered through
     * the API, so native.c has no call prepared for it): no signature
     * letters to check, call it as it is. */
    const HostFunc *saved_host = env->current_host;
    env->current_host = h;
    ((void (*)(ExecEnv *, uint64_t *))h->func_ptr)(env, argv);
    env->current_host = saved_host;
    ok = !caller->has_exception;
  } else {
    ok = native_invoke(env, h, argv);
  }
  if (ok && !caller->has_exception)
    return;

  /* The host's exception becomes a trap of the Wasm that called it; the
   * host entry writes it back as the exception of its own instance. */
  char message[sizeof caller->exception];
  const char *text = caller->has_exception ? caller->exception : trap_message(TRAP_HOST);
  if (strncmp(text, "Exception: ", 11) == 0)
    text += 11;
  size_t len = strlen(text);
  if (len > sizeof message - 1)
    len = sizeof message - 1;
  memcpy(message, text, len);
  message[len] = '\0';
  caller->has_exception = false;
  caller->exception[0] = '\0';
  trap_raise_message(env, message);
}

bool runtime_interrupt_requested(const ExecEnv *env)
{
  return interrupted(env->current) || interrupted(env->instance);
}

void runtime_check_interrupt(ExecEnv *env)
{
  if (interrupted(env->current) || interrupted(env->instance))
    raise_interrupt(env);
  if (env->fuel >= 0) {
    /* The fuel counts polls still allowed; it stays at 0 once spent, so
     * every later call traps until the host refuels. */
    if (env->fuel == 0)
      trap_raise(env, TRAP_FUEL_EXHAUSTED);
    env->fuel--;
  }
}
