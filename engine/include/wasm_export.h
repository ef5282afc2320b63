/*
 * wasm_export.h -- the C embedding API of the wasmplug engine.
 *
 * The API follows the documented embedding API of the WebAssembly Micro
 * Runtime (WAMR): the same types, names, signatures and meanings, so a program
 * written against that documentation compiles here and behaves as described.
 * Extensions are marked "wasmplug extension".
 *
 * The usual life cycle:
 *
 *   RuntimeInitArgs args = { 0 };
 *   args.running_mode = Mode_Interp;            // or 0: the best mode built
 *   wasm_runtime_full_init(&args);
 *   wasm_module_t mod = wasm_runtime_load(buf, size, err, sizeof err);
 *   wasm_module_inst_t inst = wasm_runtime_instantiate(mod, 0, 0, err, sizeof err);
 *   wasm_function_inst_t f = wasm_runtime_lookup_function(inst, "fib");
 *   wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 0);
 *   uint32_t argv[2] = { 25 };
 *   if (!wasm_runtime_call_wasm(env, f, 1, argv))
 *     puts(wasm_runtime_get_exception(inst));
 *   wasm_runtime_destroy_exec_env(env);
 *   wasm_runtime_deinstantiate(inst);
 *   wasm_runtime_unload(mod);
 *   wasm_runtime_destroy();
 *
 * This is the only public header of the engine: it includes nothing of the
 * engine's internals.
 */
#ifndef _WASM_EXPORT_H
#define _WASM_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

/* The library is built with hidden visibility: only what is marked with this
 * is exported. */
#ifndef WASM_RUNTIME_API_EXTERN
#if defined(__GNUC__) || defined(__clang__)
#define WASM_RUNTIME_API_EXTERN __attribute__((visibility("default")))
#else
#define WASM_RUNTIME_API_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Helpers for native functions (they expect a local `module_inst`)
 * ------------------------------------------------------------------------ */

#define get_module_inst(exec_env) wasm_runtime_get_module_inst(exec_env)
#define validate_app_addr(offset, size) wasm_runtime_validate_app_addr(module_inst, offset, size)
#define validate_app_str_addr(offset) wasm_runtime_validate_app_str_addr(module_inst, offset)
#define addr_app_to_native(offset) wasm_runtime_addr_app_to_native(module_inst, offset)
#define addr_native_to_app(ptr) wasm_runtime_addr_native_to_app(module_inst, ptr)
#define module_malloc(size, p_native_addr) wasm_runtime_module_malloc(module_inst, size, p_native_addr)
#define module_free(offset) wasm_runtime_module_free(module_inst, offset)

/* Raw natives: `void f(wasm_exec_env_t env, uint64_t *args)`, one 64-bit
 * slot per parameter; the result goes to args[0]. */
#define native_raw_return_type(type, args) type *raw_ret = (type *)(args)
#define native_raw_get_arg(type, name, args) type name = *((type *)(args++))
#define native_raw_set_return(val) *raw_ret = (val)

/* ------------------------------------------------------------------------
 * Types
 * ------------------------------------------------------------------------ */

/* A loaded and validated module (reference counted: an instance keeps its
 * module alive even after wasm_runtime_unload). */
struct WASMModuleCommon;
typedef struct WASMModuleCommon *wasm_module_t;

/* An instantiated module. */
struct WASMModuleInstanceCommon;
typedef struct WASMModuleInstanceCommon *wasm_module_inst_t;

/* A function of an instance. */
typedef void WASMFunctionInstanceCommon;
typedef WASMFunctionInstanceCommon *wasm_function_inst_t;

/* A linear memory of an instance. */
struct WASMMemoryInstance;
typedef struct WASMMemoryInstance *wasm_memory_inst_t;

/* An execution environment: the Wasm stack and the state of one thread of
 * calls into an instance. */
struct WASMExecEnv;
typedef struct WASMExecEnv *wasm_exec_env_t;

/* Types of imports and exports, for introspection. */
struct WASMFuncType;
typedef struct WASMFuncType *wasm_func_type_t;
struct WASMTableType;
typedef struct WASMTableType *wasm_table_type_t;
struct WASMGlobalType;
typedef struct WASMGlobalType *wasm_global_type_t;
struct WASMMemory;
typedef struct WASMMemory WASMMemoryType;
typedef WASMMemoryType *wasm_memory_type_t;

typedef enum {
  WASM_IMPORT_EXPORT_KIND_FUNC,
  WASM_IMPORT_EXPORT_KIND_TABLE,
  WASM_IMPORT_EXPORT_KIND_MEMORY,
  WASM_IMPORT_EXPORT_KIND_GLOBAL
} wasm_import_export_kind_t;

typedef struct wasm_import_t {
  const char *module_name;
  const char *name;
  wasm_import_export_kind_t kind;
  bool linked; /* a registered native function of that name exists */
  union {
    wasm_func_type_t func_type;
    wasm_table_type_t table_type;
    wasm_global_type_t global_type;
    wasm_memory_type_t memory_type;
  } u;
} wasm_import_t;

typedef struct wasm_export_t {
  const char *name;
  wasm_import_export_kind_t kind;
  union {
    wasm_func_type_t func_type;
    wasm_table_type_t table_type;
    wasm_global_type_t global_type;
    wasm_memory_type_t memory_type;
  } u;
} wasm_export_t;

typedef enum {
  Wasm_Module_Bytecode = 0,
  Wasm_Module_AoT,
  Package_Type_Unknown = 0xFFFF
} package_type_t;

/* Memory allocator settings.  The engine always uses the system allocator;
 * the fields are kept so that documented initialisation code compiles. */
typedef enum {
  Alloc_With_Pool = 0,
  Alloc_With_Allocator,
  Alloc_With_System_Allocator,
} mem_alloc_type_t;

typedef union MemAllocOption {
  struct {
    void *heap_buf;
    uint32_t heap_size;
  } pool;
  struct {
    void *malloc_func;
    void *realloc_func;
    void *free_func;
    void *user_data;
  } allocator;
} MemAllocOption;

/* Running modes of the runtime and of each instance.  0 (Mode_Default)
 * means "not set": an instance then runs in the runtime's default, and the
 * runtime's default is the best mode built (multi-tier JIT, else LLVM JIT,
 * else Fast JIT, else the fast interpreter, else the classic one). */
typedef enum RunningMode {
  Mode_Default = 0, /* wasmplug extension: "not set" */
  Mode_Interp = 1,  /* the classic interpreter */
  Mode_Fast_JIT,
  Mode_LLVM_JIT,
  Mode_Multi_Tier_JIT,
  Mode_Fast_Interp, /* wasmplug extension: the fast interpreter (both
                       interpreters live in one binary here) */
} RunningMode;

/* A host function offered to Wasm imports.  `symbol` is the import's field
 * name; `signature` describes the C function (see
 * wasm_runtime_register_natives); `attachment` is handed back by
 * wasm_runtime_get_function_attachment while the function runs. */
typedef struct NativeSymbol {
  const char *symbol;
  void *func_ptr;
  const char *signature;
  void *attachment;
} NativeSymbol;

/* Helpers to fill NativeSymbol arrays: `foo_wrapper` named "foo". */
#define EXPORT_WASM_API(symbol) { #symbol, (void *)symbol, NULL, NULL }
#define EXPORT_WASM_API2(symbol) { #symbol, (void *)symbol##_wrapper, NULL, NULL }
#define EXPORT_WASM_API_WITH_SIG(symbol, signature) { #symbol, (void *)symbol, signature, NULL }
#define EXPORT_WASM_API_WITH_SIG2(symbol, signature) \
  { #symbol, (void *)symbol##_wrapper, signature, NULL }
#define EXPORT_WASM_API_WITH_ATT(symbol, signature, attachment) \
  { #symbol, (void *)symbol, signature, attachment }
#define EXPORT_WASM_API_WITH_ATT2(symbol, signature, attachment) \
  { #symbol, (void *)symbol##_wrapper, signature, attachment }

/* Arguments of wasm_runtime_full_init.  A zero-filled struct is valid: every
 * field has a meaningful zero. */
typedef struct RuntimeInitArgs {
  mem_alloc_type_t mem_alloc_type;  /* ignored: the system allocator is used */
  MemAllocOption mem_alloc_option;  /* ignored */

  /* natives registered at initialisation (as wasm_runtime_register_natives) */
  const char *native_module_name;
  NativeSymbol *native_symbols;
  uint32_t n_native_symbols;

  uint32_t max_thread_num; /* ignored: spawned threads are not pooled */

  /* debugger settings: ignored */
  char ip_addr[128];
  int unused;
  int instance_port;

  uint32_t fast_jit_code_cache_size; /* 0: the default */
  uint32_t gc_heap_size;             /* ignored */

  RunningMode running_mode;          /* the default running mode; 0: automatic */

  uint32_t llvm_jit_opt_level;       /* 0: the default (3) */
  uint32_t llvm_jit_size_level;
  uint32_t segue_flags;
  bool enable_linux_perf;
} RuntimeInitArgs;

/* A value the host gives an import at instantiation (only memories, as in
 * the documented API): see wasm_runtime_create_memory. */
typedef struct WASMExternInstance {
  const char *module_name;
  const char *field_name;
  wasm_import_export_kind_t kind;
  union {
    wasm_memory_inst_t memory;
  } u;
} WASMExternInstance, *wasm_extern_inst_t;

/* Arguments of wasm_runtime_instantiate_ex: WAMR's fields, then ours. */
typedef struct InstantiationArgs {
  uint32_t default_stack_size;     /* Wasm stack of the singleton exec env; 0: 1 MiB */
  uint32_t host_managed_heap_size; /* the app heap reserved in the default memory when
                                      the module exports no malloc/free (0: none) */
  uint32_t max_memory_pages;       /* 0: as the module says; else a lower cap */
  uint32_t import_count;           /* imports given by the host, found first */
  const wasm_extern_inst_t imports;
  /* wasmplug extensions, in force from the instance's creation on (its
   * start function included); 0: the default. */
  uint32_t max_table_elements;  /* cap on each table it defines; 0 (and above
                                   10,000,000): 10,000,000 elements */
  uint32_t start_time_limit_ms; /* stop the start function after this long
                                   ("time limit exceeded"); 0: none */
  uint64_t start_fuel;          /* fuel units for the start function (see
                                   wasm_runtime_set_instruction_count_limit);
                                   0: none */
} InstantiationArgs;

/* The same settings behind an opaque handle (wasm_runtime_instantiation_args_*),
 * so that fields can be added without breaking embedders. */
struct InstantiationArgs2;
typedef struct InstantiationArgs2 InstantiationArgs2;

/* Arguments of wasm_runtime_load_ex. */
typedef struct LoadArgs {
  char *name;                /* the module's name (wasm_runtime_get_module_name) */
  bool clone_wasm_binary;    /* the bytes are always copied here */
  bool wasm_binary_freeable; /* the bytes are always copied: always freeable */
  bool no_resolve;           /* nothing to resolve late: accepted, no effect */
} LoadArgs;

/* One section of a module given as a list (wasm_runtime_load_from_sections). */
typedef struct wasm_section_t {
  struct wasm_section_t *next;
  int section_type;
  uint8_t *section_body;
  uint32_t section_body_size;
} wasm_section_t, aot_section_t, *wasm_section_list_t, *aot_section_list_t;

typedef enum { Alloc_For_Runtime, Alloc_For_LinearMemory } mem_alloc_usage_t;

typedef struct mem_alloc_info_t {
  uint32_t total_size;
  uint32_t total_free_size;
  uint32_t highmark_size;
} mem_alloc_info_t;

/* Multi-module: reads the module `module_name` (an import's module name)
 * into a buffer the destroyer releases after loading. */
typedef bool (*module_reader)(package_type_t module_type, const char *module_name,
                              uint8_t **p_buffer, uint32_t *p_size);
typedef void (*module_destroyer)(uint8_t *buffer, uint32_t size);

/* Threads running an instance on exec envs of their own. */
typedef void *(*wasm_thread_callback_t)(wasm_exec_env_t, void *);
typedef uintptr_t wasm_thread_t;

typedef enum {
  INTERNAL_ERROR,
  MAX_SIZE_REACHED,
} enlarge_memory_error_reason_t;

typedef void (*enlarge_memory_error_callback_t)(uint32_t inc_page_count,
                                                uint64_t current_memory_size,
                                                uint32_t memory_index,
                                                enlarge_memory_error_reason_t failure_reason,
                                                wasm_module_inst_t instance,
                                                wasm_exec_env_t exec_env, void *user_data);

/* Value kinds of wasm_val_t and of the type accessors. */
typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_V128,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};

struct wasm_ref_t;

/* A typed value for wasm_runtime_call_wasm_a/_v.  A funcref is a
 * wasm_function_inst_t in `foreign` (0 is ref.null); an externref is any host
 * pointer-sized value in `foreign` (0 is ref.null). */
typedef struct wasm_val_t {
  wasm_valkind_t kind;
  uint8_t _paddings[7];
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uintptr_t foreign;
    struct wasm_ref_t *ref;
  } of;
} wasm_val_t;

/* An exported global: `global_data` points at its value (int32_t, int64_t,
 * float, double or a pointer-sized reference); writable when is_mutable. */
typedef struct wasm_global_inst_t {
  wasm_valkind_t kind;
  bool is_mutable;
  void *global_data;
} wasm_global_inst_t;

/* An exported table; `elems` is internal. */
typedef struct wasm_table_inst_t {
  wasm_valkind_t elem_kind;
  uint32_t cur_size;
  uint32_t max_size;
  void *elems;
} wasm_table_inst_t;

typedef enum {
  WASM_LOG_LEVEL_FATAL = 0,
  WASM_LOG_LEVEL_ERROR = 1,
  WASM_LOG_LEVEL_WARNING = 2,
  WASM_LOG_LEVEL_DEBUG = 3,
  WASM_LOG_LEVEL_VERBOSE = 4
} log_level_t;

/* ------------------------------------------------------------------------
 * The runtime
 * ------------------------------------------------------------------------ */

/* Initialises the runtime.  Calls may nest: each successful init must be
 * matched by one wasm_runtime_destroy, and the last one tears down. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_init(void);

/* The same, with the settings of init_args (running mode, natives). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_full_init(RuntimeInitArgs *init_args);

WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy(void);

/* Messages at or below `level` go to stderr (default: WASM_LOG_LEVEL_WARNING). */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_log_level(log_level_t level);

/* The engine's semantic version. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_get_version(uint32_t *major, uint32_t *minor,
                                                      uint32_t *patch);

/* Memory from the runtime's allocator (the system allocator). */
WASM_RUNTIME_API_EXTERN void *wasm_runtime_malloc(unsigned int size);
WASM_RUNTIME_API_EXTERN void *wasm_runtime_realloc(void *ptr, unsigned int size);
WASM_RUNTIME_API_EXTERN void wasm_runtime_free(void *ptr);

/* Threads that call into Wasm need no set-up here; these exist for
 * documented code that calls them. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_init_thread_env(void);
WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy_thread_env(void);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_thread_env_inited(void);

/* ------------------------------------------------------------------------
 * Running modes.  Priority: instance mode > runtime default > automatic.
 * ------------------------------------------------------------------------ */

/* True when this build has the mode (Mode_Default is always supported). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_running_mode_supported(RunningMode running_mode);

/* Sets the runtime's default; false (nothing changed) for an unsupported
 * mode.  Mode_Default returns to the automatic choice. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_set_default_running_mode(RunningMode running_mode);

/* Sets the mode of one instance; false (nothing changed) for an unsupported
 * mode.  Mode_Default returns the instance to the runtime's default. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_set_running_mode(wasm_module_inst_t module_inst,
                                                           RunningMode running_mode);

/* The mode calls on this instance run in now (never Mode_Default). */
WASM_RUNTIME_API_EXTERN RunningMode wasm_runtime_get_running_mode(wasm_module_inst_t module_inst);

/* wasmplug extension: the LLVM JIT's settings for code compiled from now on
 * (process-wide): optimisation level 0-3 (3 unless set), size level 0-2 (0:
 * speed, 1: -Os, 2: -Oz), and eager compilation (a module is compiled whole,
 * on all cores, at its first call in Mode_LLVM_JIT) instead of each function
 * at its first call.  RuntimeInitArgs can say all but level 0 and eager.
 * False when this build has no LLVM JIT. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_set_llvm_jit_options(uint32_t opt_level, uint32_t size_level,
                                                               bool eager);

/* ------------------------------------------------------------------------
 * Modules
 * ------------------------------------------------------------------------ */

WASM_RUNTIME_API_EXTERN package_type_t get_package_type(const uint8_t *buf, uint32_t size);
WASM_RUNTIME_API_EXTERN package_type_t wasm_runtime_get_file_package_type(const uint8_t *buf,
                                                                          uint32_t size);

/* Decodes and validates a binary module.  The bytes are copied: the buffer
 * may be freed after the call.  On failure returns NULL and writes the
 * message (naming the byte offset) to error_buf. */
WASM_RUNTIME_API_EXTERN wasm_module_t wasm_runtime_load(uint8_t *buf, uint32_t size,
                                                        char *error_buf, uint32_t error_buf_size);

/* Drops the caller's reference; instances of the module keep it alive. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_unload(wasm_module_t module);

/* Multi-module: registers `module` under `module_name`, so that a module
 * importing from that name gets a fresh instance of it (instantiated with
 * the importer).  The runtime takes a reference on the module. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_register_module(const char *module_name,
                                                          wasm_module_t module, char *error_buf,
                                                          uint32_t error_buf_size);

WASM_RUNTIME_API_EXTERN wasm_module_t wasm_runtime_find_module_registered(const char *module_name);

/* wasmplug extension: imports from `name` are linked to the exports of the
 * existing instance `module_inst` (what the spec scripts' `register` does).
 * The runtime holds a reference on the instance until it is unregistered or
 * the runtime is destroyed.  Registering a name again replaces the previous
 * instance. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_register_module_instance(const char *name,
                                                                   wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_unregister_module_instance(const char *name);

/* Imports and exports, by index (0 .. count - 1).  The strings and types
 * returned belong to the module. */
WASM_RUNTIME_API_EXTERN int32_t wasm_runtime_get_import_count(const wasm_module_t module);
WASM_RUNTIME_API_EXTERN void wasm_runtime_get_import_type(const wasm_module_t module,
                                                          int32_t import_index,
                                                          wasm_import_t *import_type);
WASM_RUNTIME_API_EXTERN int32_t wasm_runtime_get_export_count(const wasm_module_t module);
WASM_RUNTIME_API_EXTERN void wasm_runtime_get_export_type(const wasm_module_t module,
                                                          int32_t export_index,
                                                          wasm_export_t *export_type);

WASM_RUNTIME_API_EXTERN uint32_t wasm_func_type_get_param_count(const wasm_func_type_t func_type);
/* The kinds below are (wasm_valkind_t)-1 for an index out of range. */
WASM_RUNTIME_API_EXTERN wasm_valkind_t wasm_func_type_get_param_valkind(
    const wasm_func_type_t func_type, uint32_t param_index);
WASM_RUNTIME_API_EXTERN uint32_t wasm_func_type_get_result_count(const wasm_func_type_t func_type);
WASM_RUNTIME_API_EXTERN wasm_valkind_t wasm_func_type_get_result_valkind(
    const wasm_func_type_t func_type, uint32_t result_index);
WASM_RUNTIME_API_EXTERN wasm_valkind_t wasm_global_type_get_valkind(
    const wasm_global_type_t global_type);
WASM_RUNTIME_API_EXTERN bool wasm_global_type_get_mutable(const wasm_global_type_t global_type);
WASM_RUNTIME_API_EXTERN bool wasm_memory_type_get_shared(const wasm_memory_type_t memory_type);
WASM_RUNTIME_API_EXTERN uint32_t wasm_memory_type_get_init_page_count(
    const wasm_memory_type_t memory_type);
/* 65536 when the memory type has no maximum. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_memory_type_get_max_page_count(
    const wasm_memory_type_t memory_type);
WASM_RUNTIME_API_EXTERN wasm_valkind_t wasm_table_type_get_elem_kind(
    const wasm_table_type_t table_type);
WASM_RUNTIME_API_EXTERN bool wasm_table_type_get_shared(const wasm_table_type_t table_type);
WASM_RUNTIME_API_EXTERN uint32_t wasm_table_type_get_init_size(const wasm_table_type_t table_type);
/* UINT32_MAX when the table type has no maximum. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_table_type_get_max_size(const wasm_table_type_t table_type);

/* The content of the custom section `name`, or NULL. */
WASM_RUNTIME_API_EXTERN const uint8_t *wasm_runtime_get_custom_section(const wasm_module_t module,
                                                                       const char *name,
                                                                       uint32_t *len);

/* ------------------------------------------------------------------------
 * Instances
 * ------------------------------------------------------------------------ */

/* Links the imports (in this order: registered instances, registered
 * natives, registered modules), creates memories, tables and globals,
 * applies the segments and runs the start function.  default_stack_size is
 * the Wasm stack of the singleton exec env (0: 1 MiB).  On failure returns
 * NULL with the message in error_buf ("unknown import ...", "incompatible
 * import type ...", a trap of the start function, ...). */
WASM_RUNTIME_API_EXTERN wasm_module_inst_t wasm_runtime_instantiate(const wasm_module_t module,
                                                                    uint32_t default_stack_size,
                                                                    uint32_t host_managed_heap_size,
                                                                    char *error_buf,
                                                                    uint32_t error_buf_size);

WASM_RUNTIME_API_EXTERN wasm_module_inst_t wasm_runtime_instantiate_ex(
    const wasm_module_t module, const InstantiationArgs *args, char *error_buf,
    uint32_t error_buf_size);

/* Drops the instance.  Its memories, tables, globals and functions stay
 * alive as long as another instance imported them. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_deinstantiate(wasm_module_inst_t module_inst);

WASM_RUNTIME_API_EXTERN wasm_module_t wasm_runtime_get_module(wasm_module_inst_t module_inst);

/* The exported function `name`, or NULL. */
WASM_RUNTIME_API_EXTERN wasm_function_inst_t wasm_runtime_lookup_function(
    const wasm_module_inst_t module_inst, const char *name);

WASM_RUNTIME_API_EXTERN uint32_t wasm_func_get_param_count(const wasm_function_inst_t func_inst,
                                                           const wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN uint32_t wasm_func_get_result_count(const wasm_function_inst_t func_inst,
                                                            const wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN void wasm_func_get_param_types(const wasm_function_inst_t func_inst,
                                                       const wasm_module_inst_t module_inst,
                                                       wasm_valkind_t *param_types);
WASM_RUNTIME_API_EXTERN void wasm_func_get_result_types(const wasm_function_inst_t func_inst,
                                                        const wasm_module_inst_t module_inst,
                                                        wasm_valkind_t *result_types);

/* The exported global `name`; false when there is none. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_get_export_global_inst(
    const wasm_module_inst_t module_inst, const char *name, wasm_global_inst_t *global_inst);

/* The exported table `name`; false when there is none. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_get_export_table_inst(
    const wasm_module_inst_t module_inst, const char *name, wasm_table_inst_t *table_inst);

/* The function at `idx` of a funcref table; NULL for ref.null or an index
 * out of range. */
WASM_RUNTIME_API_EXTERN wasm_function_inst_t wasm_table_get_func_inst(
    const wasm_module_inst_t module_inst, const wasm_table_inst_t *table_inst, uint32_t idx);

WASM_RUNTIME_API_EXTERN void wasm_runtime_set_custom_data(wasm_module_inst_t module_inst,
                                                          void *custom_data);
WASM_RUNTIME_API_EXTERN void *wasm_runtime_get_custom_data(wasm_module_inst_t module_inst);

/* ------------------------------------------------------------------------
 * Execution environments and calls
 * ------------------------------------------------------------------------ */

/* A new exec env with a Wasm stack of stack_size bytes (0: 1 MiB). */
WASM_RUNTIME_API_EXTERN wasm_exec_env_t wasm_runtime_create_exec_env(wasm_module_inst_t module_inst,
                                                                     uint32_t stack_size);
WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy_exec_env(wasm_exec_env_t exec_env);

/* The instance's own exec env, created on first use with the instance's
 * default stack size; owned by the instance (do not destroy it). */
WASM_RUNTIME_API_EXTERN wasm_exec_env_t wasm_runtime_get_exec_env_singleton(
    wasm_module_inst_t module_inst);

/* The instance the exec env belongs to.  Inside a native function: the
 * instance whose code called it. */
WASM_RUNTIME_API_EXTERN wasm_module_inst_t wasm_runtime_get_module_inst(wasm_exec_env_t exec_env);

/* Calls `function` with its arguments in argv, as 32-bit cells: an i32 or
 * f32 takes one cell, an i64 or f64 two (low word first, i.e. the value's
 * bytes in host order), a funcref or externref two (a pointer-sized value,
 * zero-extended to 64 bits; 0 is ref.null).  argc is the number of cells.
 * The results are written back to argv from cell 0, in the same layout, so
 * argv must have room for the larger of the parameter and result cells.
 * Returns false when the call traps or the arguments are wrong; the reason
 * is then the instance's exception. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_call_wasm(wasm_exec_env_t exec_env,
                                                    wasm_function_inst_t function, uint32_t argc,
                                                    uint32_t argv[]);

/* The same with typed values: the counts and kinds must match the
 * function's type exactly. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_call_wasm_a(wasm_exec_env_t exec_env,
                                                      wasm_function_inst_t function,
                                                      uint32_t num_results, wasm_val_t results[],
                                                      uint32_t num_args, wasm_val_t *args);

/* The same with the arguments as variadic values: int32_t for i32, int64_t
 * for i64, double for f32 and f64 (C promotes float), uintptr_t for
 * references. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_call_wasm_v(wasm_exec_env_t exec_env,
                                                      wasm_function_inst_t function,
                                                      uint32_t num_results, wasm_val_t results[],
                                                      uint32_t num_args, ...);

/* Runs the module's entry point / an export given by name with text
 * arguments, printing the results (as the command-line tool does). */
WASM_RUNTIME_API_EXTERN bool wasm_application_execute_main(wasm_module_inst_t module_inst,
                                                           int32_t argc, char *argv[]);
WASM_RUNTIME_API_EXTERN bool wasm_application_execute_func(wasm_module_inst_t module_inst,
                                                           const char *name, int32_t argc,
                                                           char *argv[]);

/* "Exception: <message>" when the last call trapped (or an exception was
 * set), else NULL. */
WASM_RUNTIME_API_EXTERN const char *wasm_runtime_get_exception(wasm_module_inst_t module_inst);

/* Sets the exception ("Exception: " is prepended); NULL clears it.  A native
 * function that sets an exception makes its Wasm caller trap. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_exception(wasm_module_inst_t module_inst,
                                                        const char *exception);
WASM_RUNTIME_API_EXTERN void wasm_runtime_clear_exception(wasm_module_inst_t module_inst);

/* Safe from any thread: the Wasm code running in the instance traps
 * ("terminated by user") at its next loop back-edge or call.  The instance
 * stays terminated (later calls trap at once) until its exception is
 * cleared. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_terminate(wasm_module_inst_t module_inst);

/* Limits the calls on exec_env to `instructions_to_execute` units of work
 * (one unit per entry of a Wasm function, one per arrival at the start of a
 * loop, falling in or branching back: the same count in every running mode);
 * past it they trap with "fuel exhausted".  A negative value removes the
 * limit. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_instruction_count_limit(
    wasm_exec_env_t exec_env, int instructions_to_execute);

/* wasmplug extension: each call from the host on exec_env (not the calls
 * nested in it) is stopped after `milliseconds` with "time limit exceeded",
 * by a watchdog thread setting the instance's interrupt flag (contract 6);
 * the instance stays usable.  0 removes the limit. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_time_limit(wasm_exec_env_t exec_env,
                                                         uint32_t milliseconds);

WASM_RUNTIME_API_EXTERN void wasm_runtime_set_user_data(wasm_exec_env_t exec_env, void *user_data);
WASM_RUNTIME_API_EXTERN void *wasm_runtime_get_user_data(wasm_exec_env_t exec_env);

/* The attachment of the native function running on exec_env, or NULL. */
WASM_RUNTIME_API_EXTERN void *wasm_runtime_get_function_attachment(wasm_exec_env_t exec_env);

/* ------------------------------------------------------------------------
 * Native (host) functions
 * ------------------------------------------------------------------------ */

/* Registers host functions for imports from `module_name`.  The array is not
 * copied: it must stay valid until unregistered.  A native is linked at
 * instantiation to an import with the same module and field names whose
 * type matches its signature (else "incompatible import type").
 *
 * The signature string "(params)results" describes the C function
 *   ret f(wasm_exec_env_t exec_env, args...)
 * with one letter per Wasm value:
 *   'i' i32 (int32_t)      'I' i64 (int64_t)
 *   'f' f32 (float)        'F' f64 (double)
 *   'r' externref (uintptr_t)
 *   '*' an i32 address in Wasm, a native pointer in C; checked to lie in
 *       the default memory for the length given by the next parameter if it
 *       is '~', else for 1 byte
 *   '~' an i32 length (of the preceding '*' buffer)
 *   '$' an i32 address in Wasm, a `const char *` in C: checked to be a
 *       NUL-terminated string inside the memory
 * A bad pointer makes the call trap with "out of bounds memory access".
 * A NULL signature means "()": no parameters, no results. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_register_natives(const char *module_name,
                                                           NativeSymbol *native_symbols,
                                                           uint32_t n_native_symbols);

/* The same for raw natives: void f(wasm_exec_env_t env, uint64_t *args),
 * one 64-bit slot per parameter (the '*' and '$' ones checked as above and
 * already converted to native pointers), the result written to args[0]. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_register_natives_raw(const char *module_name,
                                                               NativeSymbol *native_symbols,
                                                               uint32_t n_native_symbols);

/* Undoes a registration (same name, same array pointer).  Instances linked to
 * these natives must be gone first. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_unregister_natives(const char *module_name,
                                                             NativeSymbol *native_symbols);

/* True when a registered native would answer the import module.field. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_import_func_linked(const char *module_name,
                                                                const char *func_name);

/* ------------------------------------------------------------------------
 * Linear memory
 * ------------------------------------------------------------------------ */

/* The address checks below use the default memory (index 0).  They return
 * false and set the exception "out of bounds memory access" when the check
 * fails. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_validate_app_addr(wasm_module_inst_t module_inst,
                                                            uint64_t app_offset, uint64_t size);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_validate_app_str_addr(wasm_module_inst_t module_inst,
                                                                uint64_t app_str_offset);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_validate_native_addr(wasm_module_inst_t module_inst,
                                                               void *native_ptr, uint64_t size);

/* Conversions; NULL / 0 for an address outside the memory.  The memory's
 * base never moves (contract 4), so native addresses stay valid across
 * memory.grow. */
WASM_RUNTIME_API_EXTERN void *wasm_runtime_addr_app_to_native(wasm_module_inst_t module_inst,
                                                              uint64_t app_offset);
WASM_RUNTIME_API_EXTERN uint64_t wasm_runtime_addr_native_to_app(wasm_module_inst_t module_inst,
                                                                 void *native_ptr);

/* The bounds of the memory an address lies in: [start, end) is the whole
 * accessible memory (end excluded). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_get_app_addr_range(wasm_module_inst_t module_inst,
                                                             uint64_t app_offset,
                                                             uint64_t *p_app_start_offset,
                                                             uint64_t *p_app_end_offset);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_get_native_addr_range(wasm_module_inst_t module_inst,
                                                                uint8_t *native_ptr,
                                                                uint8_t **p_native_start_addr,
                                                                uint8_t **p_native_end_addr);

WASM_RUNTIME_API_EXTERN wasm_memory_inst_t wasm_runtime_get_default_memory(
    const wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN wasm_memory_inst_t wasm_runtime_get_memory(
    const wasm_module_inst_t module_inst, uint32_t index);
WASM_RUNTIME_API_EXTERN uint64_t wasm_memory_get_cur_page_count(const wasm_memory_inst_t memory_inst);
WASM_RUNTIME_API_EXTERN uint64_t wasm_memory_get_max_page_count(const wasm_memory_inst_t memory_inst);
WASM_RUNTIME_API_EXTERN uint64_t wasm_memory_get_bytes_per_page(const wasm_memory_inst_t memory_inst);
/* wasmplug extension: how many memory.grow requests (or enlarge calls) the
 * memory has refused because they went past its maximum page count (the
 * module's, or the lower InstantiationArgs.max_memory_pages cap).  An
 * embedder compares it before and after a call to tell "the plugin hit
 * its memory limit" from any other trap. */
WASM_RUNTIME_API_EXTERN uint64_t wasm_memory_get_refused_grow_count(const wasm_memory_inst_t memory_inst);
WASM_RUNTIME_API_EXTERN bool wasm_memory_get_shared(const wasm_memory_inst_t memory_inst);
WASM_RUNTIME_API_EXTERN void *wasm_memory_get_base_address(const wasm_memory_inst_t memory_inst);
WASM_RUNTIME_API_EXTERN bool wasm_memory_enlarge(wasm_memory_inst_t memory_inst,
                                                 uint64_t inc_page_count);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_enlarge_memory(wasm_module_inst_t module_inst,
                                                         uint64_t inc_page_count);

/* Allocation inside the instance's memory: from the app heap when one was
 * reserved at instantiation (heap_size, when the module exports no
 * allocator), else through the module's own exported `malloc` and `free`.  Returns the
 * Wasm address (and the native one in *p_native_addr), or 0 with an
 * exception when the module exports no malloc or it fails. */
WASM_RUNTIME_API_EXTERN uint64_t wasm_runtime_module_malloc(wasm_module_inst_t module_inst,
                                                            uint64_t size, void **p_native_addr);
WASM_RUNTIME_API_EXTERN void wasm_runtime_module_free(wasm_module_inst_t module_inst, uint64_t ptr);
WASM_RUNTIME_API_EXTERN uint64_t wasm_runtime_module_dup_data(wasm_module_inst_t module_inst,
                                                              const char *src, uint64_t size);

/* ------------------------------------------------------------------------
 * WASI (wasi_snapshot_preview1), sandboxed
 *
 * An instance of a module that imports wasi_snapshot_preview1 gets a WASI
 * context made from the arguments set on its module (or given to
 * wasm_runtime_instantiate_wasi).  It sees only what they grant: the
 * pre-opened directories (nothing outside them, no `..` or symbolic link
 * out of them), the environment and the arguments; with no grant it has no
 * file system at all.  Standard input and output are the process's own
 * unless other descriptors are given.
 * ------------------------------------------------------------------------ */

/* Sets the WASI arguments of instances made from `module` from now on.
 * dir_list: host directories granted (read-write) under the same name;
 * map_dir_list: "GUEST::HOST" entries, HOST granted (read-write) as GUEST;
 * env: "NAME=VALUE" strings; argv/argc: the program's arguments (argv[0]
 * is the program's name).  Everything is copied. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_wasi_args(wasm_module_t module,
                                                        const char *dir_list[], uint32_t dir_count,
                                                        const char *map_dir_list[],
                                                        uint32_t map_dir_count, const char *env[],
                                                        uint32_t env_count, char *argv[], int argc);

/* The same with the host descriptors the guest's 0, 1 and 2 use (-1: the
 * process's own).  They are duplicated at instantiation. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_wasi_args_ex(
    wasm_module_t module, const char *dir_list[], uint32_t dir_count, const char *map_dir_list[],
    uint32_t map_dir_count, const char *env[], uint32_t env_count, char *argv[], int argc,
    int64_t stdinfd, int64_t stdoutfd, int64_t stderrfd);

/* True when the instance has a WASI context (its module imports WASI). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_wasi_mode(wasm_module_inst_t module_inst);

/* The exported `_start` of a command module (no parameters, no results), or
 * NULL (a reactor exports `_initialize` instead). */
WASM_RUNTIME_API_EXTERN wasm_function_inst_t wasm_runtime_lookup_wasi_start_function(
    wasm_module_inst_t module_inst);

/* The status the program gave proc_exit (0 when it returned normally).
 * proc_exit unwinds the guest: a direct wasm_runtime_call_wasm then returns
 * false with the exception "wasi proc exit"; wasm_application_execute_main
 * treats it as the program's end and returns true. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_get_wasi_exit_code(wasm_module_inst_t module_inst);

/* wasmplug extension: one granted directory. */
typedef struct WASIDirectory {
  const char *guest_path; /* the name the guest sees (NULL: host_path) */
  const char *host_path;  /* the host directory */
  bool read_only;         /* no change below it: writes, creation, removal,
                             renaming and links fail with ENOTCAPABLE */
} WASIDirectory;

/* wasmplug extension: WASI grants with read-only directories, for
 * wasm_runtime_instantiate_wasi and wasm_runtime_set_wasi_arguments.  A
 * zero-filled struct grants nothing but needs the three descriptors set
 * (-1: the process's own). */
typedef struct WASIArguments {
  const WASIDirectory *dirs;
  uint32_t dir_count;
  const char *const *env; /* "NAME=VALUE" */
  uint32_t env_count;
  const char *const *argv;
  uint32_t argc;
  int64_t stdin_fd, stdout_fd, stderr_fd;
} WASIArguments;

/* wasmplug extension: sets the grants of the module's future instances
 * (NULL: none).  False when an entry is invalid. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_set_wasi_arguments(wasm_module_t module,
                                                             const WASIArguments *args);

/* wasmplug extension: instantiates with these grants for this instance
 * only (NULL: none), whatever was set on the module. */
WASM_RUNTIME_API_EXTERN wasm_module_inst_t wasm_runtime_instantiate_wasi(
    const wasm_module_t module, const InstantiationArgs *inst_args, const WASIArguments *wasi_args,
    char *error_buf, uint32_t error_buf_size);

/* ------------------------------------------------------------------------
 * Loading, more ways (api_load.c)
 * ------------------------------------------------------------------------ */

/* wasm_runtime_load with settings; args may be NULL. */
WASM_RUNTIME_API_EXTERN wasm_module_t wasm_runtime_load_ex(uint8_t *buf, uint32_t size,
                                                           const LoadArgs *args, char *error_buf,
                                                           uint32_t error_buf_size);
/* Imports are linked at instantiation: nothing is left to resolve. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_resolve_symbols(wasm_module_t module);
/* Loads a module given as its sections, in order (is_aot: not supported). */
WASM_RUNTIME_API_EXTERN wasm_module_t wasm_runtime_load_from_sections(
    wasm_section_list_t section_list, bool is_aot, char *error_buf, uint32_t error_buf_size);

/* Multi-module: an import from a module name that is not registered is
 * loaded through `reader` (and registered under that name), its buffer
 * released through `destroyer` once loaded. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_module_reader(const module_reader reader,
                                                            const module_destroyer destroyer);

WASM_RUNTIME_API_EXTERN package_type_t wasm_runtime_get_module_package_type(
    const wasm_module_t module);
/* The binary format's version (1 for Wasm), 0 when unknown. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_get_file_package_version(const uint8_t *buf,
                                                                       uint32_t size);
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_get_module_package_version(
    const wasm_module_t module);
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_get_current_package_version(
    package_type_t package_type);
/* No execute-in-place AOT files here: always false. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_xip_file(const uint8_t *buf, uint32_t size);
/* The module's bytes are copied at load: always true. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_underlying_binary_freeable(const wasm_module_t module);
/* Only on SGX with remote attestation in WAMR: NULL here. */
WASM_RUNTIME_API_EXTERN char *wasm_runtime_get_module_hash(wasm_module_t module);

/* A name for the module (once: false if it has another one already). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_set_module_name(wasm_module_t module, const char *name,
                                                          char *error_buf,
                                                          uint32_t error_buf_size);
/* The name set (or given in LoadArgs), else "". */
WASM_RUNTIME_API_EXTERN const char *wasm_runtime_get_module_name(wasm_module_t module);

/* Instantiation settings behind a handle. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_instantiation_args_create(struct InstantiationArgs2 **p);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_destroy(struct InstantiationArgs2 *p);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_default_stack_size(
    struct InstantiationArgs2 *p, uint32_t v);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_host_managed_heap_size(
    struct InstantiationArgs2 *p, uint32_t v);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_max_memory_pages(
    struct InstantiationArgs2 *p, uint32_t v);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_wasi_arg(
    struct InstantiationArgs2 *p, char *argv[], int argc);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_wasi_env(
    struct InstantiationArgs2 *p, const char *env[], uint32_t env_count);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_wasi_dir(
    struct InstantiationArgs2 *p, const char *dir_list[], uint32_t dir_count,
    const char *map_dir_list[], uint32_t map_dir_count);
WASM_RUNTIME_API_EXTERN void wasm_runtime_instantiation_args_set_wasi_stdio(
    struct InstantiationArgs2 *p, int64_t stdinfd, int64_t stdoutfd, int64_t stderrfd);
WASM_RUNTIME_API_EXTERN wasm_module_inst_t wasm_runtime_instantiate_ex2(
    const wasm_module_t module, const struct InstantiationArgs2 *args, char *error_buf,
    uint32_t error_buf_size);

/* Memories made by the host, for InstantiationArgs.imports. */
WASM_RUNTIME_API_EXTERN wasm_memory_inst_t wasm_runtime_create_memory(
    const wasm_module_t module, const wasm_memory_type_t type);
WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy_memory(const wasm_module_t module,
                                                         wasm_memory_inst_t memory_inst);
/* One new memory for each memory import of `module` (whose module name
 * passes module_name_filter, when given); NULL when there is none.
 * Freed with wasm_runtime_destroy_imports. */
WASM_RUNTIME_API_EXTERN wasm_extern_inst_t wasm_runtime_create_imports(
    wasm_module_t module, bool (*module_name_filter)(const char *));
WASM_RUNTIME_API_EXTERN wasm_extern_inst_t wasm_runtime_create_imports_with_builtin(
    wasm_module_t module);
WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy_imports(wasm_module_t module,
                                                          wasm_extern_inst_t imports);
/* No natives provide globals here: always false. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_import_global_linked(const char *module_name,
                                                                  const char *global_name);

/* ------------------------------------------------------------------------
 * Threads and more exec envs (api_threads.c)
 *
 * Several threads may run one instance at once, each on its own exec env;
 * they share its memories, tables and globals.  wasm_runtime_terminate
 * stops every one of them.
 * ------------------------------------------------------------------------ */

/* A new exec env for the same instance, with the same stack size, for use
 * on another thread; free with wasm_runtime_destroy_spawned_exec_env. */
WASM_RUNTIME_API_EXTERN wasm_exec_env_t wasm_runtime_spawn_exec_env(wasm_exec_env_t exec_env);
WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy_spawned_exec_env(wasm_exec_env_t exec_env);
/* Runs callback(spawned_env, arg) on a new thread; 0 on success, -1 else. */
WASM_RUNTIME_API_EXTERN int32_t wasm_runtime_spawn_thread(wasm_exec_env_t exec_env,
                                                          wasm_thread_t *tid,
                                                          wasm_thread_callback_t callback,
                                                          void *arg);
/* Waits for the thread; 0 on success, an error number else. */
WASM_RUNTIME_API_EXTERN int32_t wasm_runtime_join_thread(wasm_thread_t tid, void **retval);
/* Accepted for compatibility: threads are not pooled. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_max_thread_num(uint32_t num);
/* Points the exec env at another instance (not while it runs Wasm). */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_module_inst(wasm_exec_env_t exec_env,
                                                          const wasm_module_inst_t module_inst);

/* Calls the function at element_index of the instance's table 0, argv as
 * for wasm_runtime_call_wasm ("undefined element", "uninitialized
 * element" otherwise). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_call_indirect(wasm_exec_env_t exec_env,
                                                        uint32_t element_index, uint32_t argc,
                                                        uint32_t argv[]);

/* Around a host operation that may block: false when the instance is being
 * terminated (then skip the operation).  The operation is not interrupted
 * early: termination is seen when it returns to Wasm. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_begin_blocking_op(wasm_exec_env_t exec_env);
WASM_RUNTIME_API_EXTERN void wasm_runtime_end_blocking_op(wasm_exec_env_t exec_env);

/* ------------------------------------------------------------------------
 * Instance contexts (api_context.c), modelled on pthread keys: a key per
 * set of natives, one pointer per instance; the key's destructor runs for
 * every context still set when the instance is freed.  Make and destroy
 * keys while no instance lives.
 * ------------------------------------------------------------------------ */

WASM_RUNTIME_API_EXTERN void *wasm_runtime_create_context_key(void (*dtor)(wasm_module_inst_t inst,
                                                                           void *ctx));
WASM_RUNTIME_API_EXTERN void wasm_runtime_destroy_context_key(void *key);
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_context(wasm_module_inst_t inst, void *key,
                                                      void *ctx);
/* The same; spawned threads share the instance, so they see it too. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_context_spread(wasm_module_inst_t inst, void *key,
                                                             void *ctx);
WASM_RUNTIME_API_EXTERN void *wasm_runtime_get_context(wasm_module_inst_t inst, void *key);

/* ------------------------------------------------------------------------
 * Call stacks and the native stack (api_backtrace.c)
 * ------------------------------------------------------------------------ */

/* The Wasm call stack of the last trap on exec_env, innermost first, one
 * line per frame: "#00: 0x0042 - name" (the name from the "name" section,
 * else "$f<index>"; 0x???? where the tier keeps no code offset). */
WASM_RUNTIME_API_EXTERN void wasm_runtime_dump_call_stack(wasm_exec_env_t exec_env);
/* Bytes dump_call_stack_to_buf needs, NUL included; 0 when there is none. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_get_call_stack_buf_size(wasm_exec_env_t exec_env);
/* Writes whole lines that fit; returns the bytes written, NUL included. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_dump_call_stack_to_buf(wasm_exec_env_t exec_env,
                                                                     char *buf, uint32_t len);

/* True when the calling thread has a reasonable amount of native stack
 * left; otherwise sets the exception "native stack overflow" and returns
 * false (a native that gets false should return at once). */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_detect_native_stack_overflow(wasm_exec_env_t exec_env);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_detect_native_stack_overflow_size(
    wasm_exec_env_t exec_env, uint32_t required_size);
/* The lowest address Wasm calls on this exec env may take the native stack
 * to (for fibers and the like); no guard is added to it. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_native_stack_boundary(wasm_exec_env_t exec_env,
                                                                    uint8_t *native_stack_boundary);

/* ------------------------------------------------------------------------
 * Memory and diagnostics, more (api_diag.c)
 * ------------------------------------------------------------------------ */

/* The memory exported as `name`, or NULL. */
WASM_RUNTIME_API_EXTERN wasm_memory_inst_t wasm_runtime_lookup_memory(
    const wasm_module_inst_t module_inst, const char *name);
/* Bounds are always checked (by guard pages or explicitly): enabling is a
 * no-op and disabling is refused. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_bounds_checks(wasm_module_inst_t module_inst,
                                                            bool enable);
WASM_RUNTIME_API_EXTERN bool wasm_runtime_is_bounds_checks_enabled(wasm_module_inst_t module_inst);
/* Called when memory.grow or an enlarge call fails. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_set_enlarge_mem_error_callback(
    const enlarge_memory_error_callback_t callback, void *user_data);
/* Only the pool allocator has this information: always false here. */
WASM_RUNTIME_API_EXTERN bool wasm_runtime_get_mem_alloc_info(mem_alloc_info_t *mem_alloc_info);
/* Prints the memory the exec env, its instance and module use, and the
 * Wasm stack and app heap in use, to stdout. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_dump_mem_consumption(wasm_exec_env_t exec_env);
/* Per-function profiling is not built: these print a note and return 0. */
WASM_RUNTIME_API_EXTERN void wasm_runtime_dump_perf_profiling(wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN double wasm_runtime_sum_wasm_exec_time(wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN double wasm_runtime_get_wasm_func_exec_time(wasm_module_inst_t inst,
                                                                    const char *func_name);
/* No LLVM PGO instrumentation here: 0. */
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_get_pgo_prof_data_size(wasm_module_inst_t module_inst);
WASM_RUNTIME_API_EXTERN uint32_t wasm_runtime_dump_pgo_prof_data_to_buf(
    wasm_module_inst_t module_inst, char *buf, uint32_t len);

/* Externref objects by index (an externref is the host's pointer itself
 * here; these keep WAMR's index-based calls working). */
WASM_RUNTIME_API_EXTERN bool wasm_externref_obj2ref(wasm_module_inst_t module_inst,
                                                    void *extern_obj, uint32_t *p_externref_idx);
WASM_RUNTIME_API_EXTERN bool wasm_externref_objdel(wasm_module_inst_t module_inst,
                                                   void *extern_obj);
WASM_RUNTIME_API_EXTERN bool wasm_externref_set_cleanup(wasm_module_inst_t module_inst,
                                                        void *extern_obj,
                                                        void (*extern_obj_cleanup)(void *));
WASM_RUNTIME_API_EXTERN bool wasm_externref_ref2obj(uint32_t externref_idx, void **p_extern_obj);
WASM_RUNTIME_API_EXTERN bool wasm_externref_retain(uint32_t externref_idx);

#ifdef __cplusplus
}
#endif

#endif /* _WASM_EXPORT_H */
