/*
 * runtime.h -- run-time objects: function, memory, table and global instances,
 * module instances and execution environments.
 *
 * Memories, tables and globals are shared between instances through imports,
 * so they are reference counted; an instance also holds a reference on every
 * instance it imports from, so imported code outlives its exporter's
 * deinstantiation.
 */
#ifndef WP_RUNTIME_H
#define WP_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "module.h"
#include "trap.h"

#define WASM_PAGE_SIZE 65536u
#define WASM_MAX_PAGES 65536u

/* Default size of an exec env's Wasm stack: big enough for real C and C++
 * programs (the seed's 64 KiB is not). */
#define DEFAULT_WASM_STACK_SIZE (1024u * 1024u)

/* The most elements a table may have, unless the embedder sets a lower cap
 * (InstanceLimits): V8's limit, so what runs in a browser runs here, and at
 * most 80 MB of references per table.  Creating a larger table fails the
 * instantiation; table.grow past it returns -1. */
#define TABLE_MAX_ELEMENTS 10000000u

/* Nested host -> Wasm entries allowed on one exec env (each uses C stack). */
#define MAX_NATIVE_DEPTH 200

struct Instance;
struct ExecEnv;

/* A host function: an entry of a registered NativeSymbol array. */
typedef struct HostFunc {
  const char *module_name;
  const char *field_name;
  void *func_ptr;
  const char *signature; /* the documented signature string, e.g. "(ii)i" */
  void *attachment;
  bool raw;              /* raw natives take (exec_env, uint64_t *args) */
  FuncType type;         /* parsed from the signature */
  void *ffi;             /* prepared libffi call, for non-raw natives */
} HostFunc;

/* A function instance: what a funcref points to and what the entry table
 * holds.  Exactly one of `def` and `host` is set. */
typedef struct FuncInst {
  const FuncType *type;
  struct Instance *instance; /* defining instance (NULL for host functions) */
  const FuncDef *def;        /* Wasm code */
  uint32_t index;            /* index in the defining module */
  const HostFunc *host;
  /* Compiled code for this function in its instance's tier, with the native
   * convention of runtime/compiled.h, or NULL (host function, interpreted,
   * not compiled yet).  Published with an atomic store by the tier. */
  void *_Atomic code;
} FuncInst;

typedef struct Memory {
  uint8_t *base;       /* never moves (contract 4) */
  uint64_t size;       /* accessible bytes: pages * WASM_PAGE_SIZE */
  uint32_t pages;
  uint32_t max_pages;  /* from the type, or WASM_MAX_PAGES */
  uint64_t refused_grows; /* memory.grow requests refused at max_pages: an
                             embedder's cap tells a limit from a trap by it */
  bool has_max;
  size_t reserved;     /* address space reserved from base (guard included) */
  bool guarded;        /* the 8 GiB reservation is in place: a tier may skip
                          bounds checks and let the fault handler trap;
                          false when explicit checks are needed (build option,
                          32-bit host, or the reservation failed) */
  atomic_int refcount;
} Memory;

typedef struct Table {
  uint8_t elem_type;
  uint32_t size;
  uint32_t max;        /* from the type, or UINT32_MAX */
  bool has_max;
  uint32_t limit;      /* table.grow stops here: max, TABLE_MAX_ELEMENTS or lower */
  void **elems;        /* FuncInst * or host pointer; NULL is ref.null */
  /* Failed instances whose functions their instantiation had already stored
   * here (an imported table): the spec keeps those entries callable, so the
   * table keeps the instances alive (instance.c, adopt_by_tables). */
  struct Instance **holds;
  uint32_t num_holds;
  atomic_int refcount;
} Table;

typedef struct GlobalInst {
  GlobalType type;
  WasmValue value;
  atomic_int refcount;
} GlobalInst;

typedef struct Instance {
  const Module *module;
  struct ModuleRef *module_ref; /* keeps the module alive (API layer) */

  /* Contract 1: the entry table, one per function index, imports included.
   * Tier-up and mode switches publish new code here with an atomic store. */
  FuncInst **funcs;
  FuncInst *own_funcs; /* storage for the functions this module defines */

  Memory **memories;
  Table **tables;
  GlobalInst **globals;

  uint8_t *elem_dropped; /* one flag per element segment */
  uint8_t *data_dropped; /* one flag per data segment */

  /* Contract 6: set from any thread to stop the Wasm running in this
   * instance at its next loop start or function entry: INTERRUPT_TERMINATE
   * (wasm_runtime_terminate) or INTERRUPT_TIME_LIMIT (a watchdog). */
  atomic_int interrupt;

  int running_mode;    /* RunningMode set for this instance, 0 for none */
  uint32_t default_stack_size;

  bool has_exception;
  char exception[256]; /* "Exception: <message>" as the documented API shows it */

  void *custom_data;
  struct ExecEnv *singleton_env;

  struct Instance **deps; /* instances we import from (held references) */
  uint32_t num_deps;
  atomic_int refcount;

  /* Outermost host entries running on this instance now, from any thread:
   * the last one to leave answers a terminate (exec.c). */
  atomic_int running;
  /* The API layer's per-instance state (contexts, app heap), released by
   * api_instance_release when the instance is freed. */
  struct ApiInstanceData *api_data;
} Instance;

enum { INTERRUPT_NONE, INTERRUPT_TERMINATE, INTERRUPT_TIME_LIMIT };

typedef struct ExecEnv {
  Instance *instance; /* the instance the env was created for */
  Instance *current;  /* the instance whose code runs now (fault handler) */

  /* The Wasm stack: frames and value slots of every tier that needs one.
   * `top` is the first free byte; a nested host entry starts there. */
  uint8_t *stack_base;
  uint8_t *stack_limit;
  uint8_t *stack_top;
  uint32_t stack_size;

  uint32_t native_depth;  /* nested host -> Wasm entries (C stack) */
  /* Contract 5: compiled code traps "call stack exhausted" when the native
   * stack pointer is below this.  Set by the outermost runtime_call from the
   * real stack of the calling thread and the configured stack size. */
  uintptr_t native_stack_limit;
  TrapFrame *trap_frame;  /* innermost host entry */
  TrapKind trap_kind;
  char trap_message[200];

  /* Optional budget, one unit per Wasm function entry and per arrival at
   * a loop start (contract 6); negative means unlimited. */
  int64_t fuel;
  /* Optional time limit of each outermost host entry, in ms; 0: none. */
  uint32_t time_limit_ms;

  const HostFunc *current_host; /* the host function running now */
  void *user_data;

  /* The lowest address the embedder lets Wasm calls take the C stack to
   * (wasm_runtime_set_native_stack_boundary), or NULL: the thread's own
   * stack bounds (native_stack.h). */
  uint8_t *native_stack_boundary;
  /* Backtraces (backtrace.h): the innermost tier activation that can walk
   * its frames, and the Wasm call stack recorded at the last trap. */
  struct TierActivation *activation;
  struct Backtrace *backtrace;
} ExecEnv;

/* --- time limits (watchdog.c) --- */
typedef struct Watchdog {
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake;
  struct timespec deadline; /* CLOCK_MONOTONIC */
  Instance *inst;
  bool stopped, fired;
} Watchdog;
/* Sets inst's interrupt flag to INTERRUPT_TIME_LIMIT after `milliseconds`
 * unless stopped first; false when no thread could be made. */
bool watchdog_start(Watchdog *w, Instance *inst, uint32_t milliseconds);
/* Stops and joins the thread; true if it fired. */
bool watchdog_stop(Watchdog *w);

/* --- memories (memory.c) --- */
/* Reserves 8 GiB with guard pages (or exactly what is needed when bounds are
 * checked explicitly) and commits `pages`. */
Memory *memory_new(uint32_t pages, uint32_t max_pages, bool has_max, char *err, uint32_t err_size);
void memory_ref(Memory *m);
void memory_unref(Memory *m);
/* Returns the old page count, or -1 when the memory cannot grow. */
int64_t memory_grow(Memory *m, uint32_t delta_pages);
/* True when every address in [addr, addr + len) is inside the memory. */
static inline bool memory_range_ok(const Memory *m, uint64_t addr, uint64_t len)
{
  return addr <= m->size && len <= m->size - addr;
}
/* Install the SIGSEGV/SIGBUS handler that turns guard-region faults into
 * TRAP_MEMORY_OUT_OF_BOUNDS (once per process, chained to the previous one). */
bool memory_install_fault_handler(void);

/* --- tables and globals (table.c) --- */
/* NULL when size exceeds max or TABLE_MAX_ELEMENTS (or memory is short). */
Table *table_new(uint8_t elem_type, uint32_t size, uint32_t max, bool has_max, void *init);
void table_ref(Table *t);
void table_unref(Table *t);
int64_t table_grow(Table *t, uint32_t delta, void *init);
/* Makes t hold a reference on inst until t is freed (see Table.holds). */
bool table_hold_instance(Table *t, struct Instance *inst);
GlobalInst *global_new(GlobalType type, WasmValue value);
void global_ref(GlobalInst *g);
void global_unref(GlobalInst *g);

/* --- instances (instance.c) --- */

/* What an import is bound to. */
typedef struct ExternVal {
  uint8_t kind; /* ExternKind */
  union {
    FuncInst *func;
    Table *table;
    Memory *memory;
    GlobalInst *global;
  } u;
  Instance *owner; /* instance the value comes from, or NULL for the host */
} ExternVal;

/* Finds the value for one import; returns false when there is none (the
 * instantiation then fails with "unknown import"). */
typedef bool (*ImportResolver)(void *data, const Import *import, ExternVal *out);

/* Links imports, creates memories, tables and globals, applies the active
 * segments, runs the start function on `env_for_start` (or a temporary env).
 * Returns NULL with an error message ("unknown import ...", "incompatible
 * import type ...", "out of bounds table access", a trap from start, ...). */
Instance *instance_new(const Module *m, ImportResolver resolve, void *resolve_data,
                       uint32_t stack_size, char *err, uint32_t err_size);

/* What an embedder limits an instance to from its creation on, its start
 * function included.  Zeroed fields mean the defaults. */
typedef struct InstanceLimits {
  uint32_t stack_size;         /* the start function's Wasm stack */
  uint32_t max_table_elements; /* cap on each table it defines; 0: TABLE_MAX_ELEMENTS */
  uint32_t start_time_limit_ms; /* the start function is stopped after this long */
  uint64_t start_fuel;          /* fuel units the start function may use */
} InstanceLimits;
Instance *instance_new_limited(const Module *m, struct ModuleRef *module_ref,
                               ImportResolver resolve, void *resolve_data,
                               const InstanceLimits *limits, char *err, uint32_t err_size);
/* The same, holding a reference on the API's module wrapper for as long as
 * the instance lives (released by instance_unref; see module_ref_release). */
Instance *instance_new_with_ref(const Module *m, struct ModuleRef *module_ref,
                                ImportResolver resolve, void *resolve_data, uint32_t stack_size,
                                char *err, uint32_t err_size);
void instance_ref(Instance *inst);
void instance_unref(Instance *inst);

/* Evaluates a constant expression in an instance (globals already set). */
WasmValue instance_eval_const(Instance *inst, const ConstExpr *e);

/* --- execution (exec.c) --- */
ExecEnv *exec_env_new(Instance *inst, uint32_t stack_size);
void exec_env_free(ExecEnv *env);
/* The exec env running Wasm on this thread (innermost runtime_call), or NULL;
 * read by the fault handler. */
ExecEnv *exec_env_running(void);

/* The host entry: runs f with its arguments in argv (one 64-bit slot per
 * value; argv must have room for max(params, results) slots) and leaves the
 * results there.  Returns false on a trap, whose message is then the
 * exception of env->instance. */
bool runtime_call(ExecEnv *env, FuncInst *f, uint64_t *argv);

/* Calls a host function from Wasm code (any tier): argv as above.  A host
 * function that sets an exception makes this trap. */
void runtime_call_host(ExecEnv *env, FuncInst *f, uint64_t *argv);

/* Calls the registered native h (native.c): argv as above, one 64-bit slot
 * per parameter, results written back from slot 0.  Converts and checks the
 * '*', '~' and '$' arguments against the calling instance's memory and sets
 * env->current_host around the call.  Returns false when a pointer is bad or
 * the native set an exception; the exception of the calling instance
 * (env->current, else env->instance) then says why, and runtime_call_host
 * turns it into a trap. */
bool native_invoke(ExecEnv *env, const HostFunc *h, uint64_t *argv);

/* The API layer's reference on a module (api/wasm_export.c).  When
 * instance_unref frees an instance whose module_ref is set, it calls this
 * last, so an instance keeps its module alive after wasm_runtime_unload. */
struct ModuleRef;
void module_ref_acquire(struct ModuleRef *ref);
void module_ref_release(struct ModuleRef *ref);
/* A new wrapper owning m (refcount 1), and the module it wraps. */
struct ModuleRef *module_ref_new(Module *m);
Module *module_ref_module(struct ModuleRef *ref);
/* The same for the API's per-instance state: called by instance_free. */
void api_instance_release(struct Instance *inst);
/* Tells the embedder's enlarge-error callback (api_diag.c) that memory_grow
 * refused: max_reached, else the system would not commit the pages. */
void api_memory_grow_failed(Memory *m, uint32_t delta_pages, bool max_reached);

/* Polled by every tier at loop back-edges and function entries: traps when
 * the instance is interrupted or the fuel runs out. */
void runtime_check_interrupt(ExecEnv *env);
/* The interrupt flag alone, without charging fuel or trapping: for host
 * code that blocks (WASI's waits) and must give up when it is set. */
bool runtime_interrupt_requested(const ExecEnv *env);
/* What a stop request on env's instances means: TRAP_TIME_LIMIT for a time
 * limit (watchdog.c), TRAP_TERMINATED for the host's terminate, TRAP_NONE
 * for no request. */
TrapKind runtime_interrupt_kind(const ExecEnv *env);

/* Table operations shared by the tiers; each traps with the spec's kind. */
void runtime_table_init(ExecEnv *env, Instance *inst, uint32_t table, uint32_t elem,
                        uint32_t dst, uint32_t src, uint32_t n);
void runtime_memory_init(ExecEnv *env, Instance *inst, uint32_t data, uint32_t dst,
                         uint32_t src, uint32_t n);
/* The rest of the bulk operations (bulk.c): every range is checked before
 * anything is written; n == 0 at the very end of a memory or table is fine. */
void runtime_memory_copy(ExecEnv *env, Memory *dst_mem, Memory *src_mem, uint32_t dst,
                         uint32_t src, uint32_t n);
void runtime_memory_fill(ExecEnv *env, Memory *m, uint32_t dst, uint8_t value, uint32_t n);
void runtime_table_copy(ExecEnv *env, Table *dst_table, Table *src_table, uint32_t dst,
                        uint32_t src, uint32_t n);
void runtime_table_fill(ExecEnv *env, Table *t, uint32_t dst, void *value, uint32_t n);

#endif
