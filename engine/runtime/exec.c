/*
 * exec.c -- execution environments and the host entry.
 *
 * runtime_call is the one place where C calls into Wasm (contract 3): it
 * pushes a TrapFrame that trap_raise and the fault handler jump to, and it
 * puts back everything a trap skips (the Wasm stack top, the running
 * instance, the thread's running env), so host -> Wasm -> host -> Wasm
 * nesting unwinds one level at a time.
 */
#include "runtime.h"

#include <stdlib.h>
#include <string.h>

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

static bool interrupted(const Instance *inst)
{
  return inst != NULL && atomic_load_explicit(&inst->interrupt, memory_order_relaxed) != 0;
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

  /* Saved before sigsetjmp and never changed after it, so they survive the
   * jump without `volatile`. */
  uint8_t *const saved_top = env->stack_top;
  Instance *const saved_current = env->current;
  ExecEnv *const saved_running = running_env;
  TierActivation *const saved_activation = env->activation;
  uint8_t *const saved_stack_limit = env->native_stack_limit;
  const bool outermost = env->native_depth == 0;
  TrapFrame frame;
  frame.prev = env->trap_frame;
  bool ok;

  if (outermost) {
    /* Contract 5: this thread's C stack, from here down. */
    if (env->native_stack_limit == NULL) /* unless the embedder set one */
      env->native_stack_limit = native_stack_limit_here();
    atomic_fetch_add(&inst->running, 1);
    env->backtrace->count = env->backtrace->skipped = 0;
  }
  if (!native_stack_ok(env, NATIVE_STACK_GUARD)) {
    env->trap_kind = TRAP_NATIVE_STACK_OVERFLOW;
    strcpy(env->trap_message, trap_message(TRAP_NATIVE_STACK_OVERFLOW));
    set_exception(inst, env->trap_message);
    if (outermost)
      atomic_fetch_sub(&inst->running, 1);
    env->native_stack_limit = saved_stack_limit;
    return false;
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
      trap_raise(env, TRAP_TERMINATED);
    tier_call(env, f, argv);
    ok = true;
  } else {
    if (env->trap_kind == TRAP_TERMINATED && env->current && env->current != inst)
      atomic_store(&env->current->interrupt, 0);
    set_exception(inst, env->trap_message);
    ok = false;
  }

  if (outermost && atomic_fetch_sub(&inst->running, 1) == 1 && !ok &&
      env->trap_kind == TRAP_TERMINATED) {
    /* The stop request is answered by the last thread that was running
     * the instance (every thread of it traps, contract 6): the instance
     * is usable again. */
    atomic_store(&inst->interrupt, 0);
  }
  env->activation = saved_activation;
  env->native_stack_limit = saved_stack_limit;
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

void runtime_check_interrupt(ExecEnv *env)
{
  if (interrupted(env->current) || interrupted(env->instance))
    trap_raise(env, TRAP_TERMINATED);
  if (env->fuel >= 0) {
    /* The fuel counts polls still allowed; it stays at 0 once spent, so
     * every later call traps until the host refuels. */
    if (env->fuel == 0)
      trap_raise(env, TRAP_FUEL_EXHAUSTED);
    env->fuel--;
  }
}
