/*
 * module.h -- a decoded, validated module: immutable once loaded and shared by
 * every instance and thread (contract "compile once, instantiate many").
 *
 * The decoder fills everything but the "validator facts" of each function; the
 * validator fills those.  The module owns a copy of its bytes; code pointers
 * point into that copy.  Per-tier caches (fast-interpreter code, JIT code) are
 * attached here by the tiers and published atomically.
 */
#ifndef WP_MODULE_H
#define WP_MODULE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, by their binary encoding. */
typedef enum ValType {
  VAL_I32 = 0x7F,
  VAL_I64 = 0x7E,
  VAL_F32 = 0x7D,
  VAL_F64 = 0x7C,
  VAL_V128 = 0x7B,
  VAL_FUNCREF = 0x70,
  VAL_EXTERNREF = 0x6F,
} ValType;

static inline bool valtype_is_ref(uint8_t t) { return t == VAL_FUNCREF || t == VAL_EXTERNREF; }
static inline bool valtype_is_num(uint8_t t) { return t >= VAL_V128 && t <= VAL_I32; }
const char *valtype_name(uint8_t t);

/* External kinds, by their binary encoding. */
typedef enum ExternKind {
  EXTERN_FUNC = 0,
  EXTERN_TABLE = 1,
  EXTERN_MEMORY = 2,
  EXTERN_GLOBAL = 3,
} ExternKind;

/* One value in a 64-bit slot.  References are pointers: a funcref is a
 * FuncInst *, an externref the host's pointer; NULL is ref.null. */
typedef union WasmValue {
  int32_t i32;
  int64_t i64;
  uint32_t u32;
  uint64_t u64;
  float f32;
  double f64;
  void *ref;
} WasmValue;

typedef struct FuncType {
  uint32_t num_params;
  uint32_t num_results;
  uint8_t *types; /* params then results */
  /* The prepared host -> compiled call for this type (runtime/compiled.c),
   * made on first use and published atomically; NULL until then. */
  void *_Atomic invoke;
} FuncType;

static inline const uint8_t *functype_params(const FuncType *t) { return t->types; }
static inline const uint8_t *functype_results(const FuncType *t) { return t->types + t->num_params; }
bool functype_equal(const FuncType *a, const FuncType *b);
/* Frees the prepared call of a type (module_free calls it). */
void functype_release_invoke(FuncType *type);

typedef struct Limits {
  uint32_t min;
  uint32_t max;
  bool has_max;
} Limits;

typedef struct TableType {
  uint8_t elem_type; /* VAL_FUNCREF or VAL_EXTERNREF */
  Limits limits;
} TableType;

typedef struct GlobalType {
  uint8_t type;
  bool mutable_;
} GlobalType;

/* A constant expression, already decoded (Wasm 2.0 allows exactly one
 * instruction before `end`). */
typedef struct ConstExpr {
  uint8_t opcode; /* OP_I32_CONST, OP_I64_CONST, OP_F32_CONST, OP_F64_CONST,
                     OP_REF_NULL, OP_REF_FUNC, OP_GLOBAL_GET */
  union {
    WasmValue value;   /* for the *.const forms (f32/f64 as raw bits) */
    uint32_t index;    /* function index for ref.func, global index for global.get */
    uint8_t ref_type;  /* for ref.null */
  } u;
} ConstExpr;

/* Names are NUL-terminated for convenience, but a Wasm name may itself
 * contain NUL bytes: the *_len fields give the real length (compare names
 * with them, e.g. for duplicate exports). */
typedef struct Import {
  char *module_name;
  char *field_name;
  uint32_t module_name_len, field_name_len;
  uint8_t kind; /* ExternKind */
  union {
    uint32_t type_index; /* EXTERN_FUNC */
    TableType table;
    Limits memory;
    GlobalType global;
  } u;
} Import;

typedef struct Export {
  char *name;
  uint32_t name_len;
  uint8_t kind; /* ExternKind */
  uint32_t index;
} Export;

/*
 * Branch side table (filled by the validator, read by the classic
 * interpreter).  One entry for each branching instruction, in code order:
 *   if        1 entry: where to go when the condition is false
 *   else      1 entry: where the then-arm continues (the `end`)
 *   br, br_if 1 entry
 *   br_table  n+1 entries: one per label in order, then the default
 * The interpreter keeps an index `st` into the table in step with `pc`:
 * an instruction that owns k entries, when it branches through entry e,
 * continues at body + e->target_pc with st = e->target_st; when it does not
 * branch (br_if not taken, if with a true condition) it does st += k.
 * For br, br_if and br_table: copy the top `arity` slots down so they start at
 * operand-stack height `height` (slots above the locals), then set the stack
 * height to height + arity.  `if` and `else` entries move no values (arity 0).
 * Label targets: a block's or if's label is its `end` opcode (executing an
 * `end` is a no-op, the function's last `end` returns); a loop's label is the
 * first instruction of its body.
 */
typedef struct BranchEntry {
  uint32_t target_pc; /* offset from FuncDef.body */
  uint32_t target_st; /* side-table index to continue with */
  uint32_t height;    /* operand-stack height at the target, before the carried values */
  uint32_t arity;     /* slots carried */
} BranchEntry;

typedef struct FuncDef {
  uint32_t type_index;
  uint32_t num_locals;   /* declared locals, parameters excluded */
  uint8_t *local_types;  /* params then declared locals */
  const uint8_t *body;   /* first instruction, after the local declarations */
  const uint8_t *end;    /* one past the final `end` */
  uint32_t body_offset;  /* byte offset of `body` in the module, for messages */

  /* validator facts */
  uint32_t local_slots;   /* slots for params + locals (every type is 1 slot for now;
                             v128 will take 2 when SIMD lands) */
  uint32_t max_stack;     /* maximum operand-stack height in slots */
  BranchEntry *branches;
  uint32_t num_branches;
  bool validated;
} FuncDef;

typedef enum SegmentMode {
  SEGMENT_ACTIVE,
  SEGMENT_PASSIVE,
  SEGMENT_DECLARATIVE,
} SegmentMode;

typedef struct ElemSegment {
  uint8_t mode;       /* SegmentMode */
  uint8_t elem_type;  /* VAL_FUNCREF or VAL_EXTERNREF */
  uint32_t table_index;
  ConstExpr offset;   /* active segments */
  uint32_t num_items;
  ConstExpr *items;   /* ref.func i, ref.null t or global.get g each */
} ElemSegment;

typedef struct DataSegment {
  uint8_t mode; /* SEGMENT_ACTIVE or SEGMENT_PASSIVE */
  uint32_t memory_index;
  ConstExpr offset;
  const uint8_t *bytes;
  uint32_t size;
} DataSegment;

typedef struct CustomSection {
  char *name;
  const uint8_t *data;
  uint32_t size;
} CustomSection;

/* A tier's per-module cache (Module.fast_interp_code, jit_code, llvm_code)
 * starts with this header, so module_free can release it without knowing
 * the tier.  `bytes` counts what the tier made for the module (translated or
 * compiled code); a tier keeps it within module_side_budget. */
typedef struct TierCache {
  void (*release)(struct TierCache *cache);
  _Atomic size_t bytes;
} TierCache;

/* The memory the engine spends beside a module -- the validator's branch
 * side tables, and each tier's code -- is bounded by the module's size, so
 * a small module cannot make the host allocate gigabytes: each of them
 * stays within SIDE_BYTES_PER_CODE_BYTE per byte of function bodies, plus
 * SIDE_BYTES_SLACK.  Real code needs a fraction of it (the side table at
 * most 16 bytes per byte, a br_table label; the fast interpreter's code
 * under 16); only hostile shapes (multi-value copies) reach it.  A tier may
 * give each function a share in proportion to its body, so that code run
 * late is not refused because other functions used the rest. */
#define SIDE_BYTES_PER_CODE_BYTE 128u
#define SIDE_BYTES_SLACK (1u << 20)

typedef struct Module {
  uint8_t *bytes; /* our copy of the binary */
  size_t size;

  uint32_t num_types;
  FuncType *types;

  uint32_t num_imports;
  Import *imports;

  /* Index spaces: imports first, then definitions. */
  uint32_t num_funcs, num_imported_funcs;
  uint32_t *func_type_index; /* num_funcs entries, imports included */
  FuncDef *funcs;            /* num_funcs - num_imported_funcs definitions */

  uint32_t num_tables, num_imported_tables;
  TableType *tables; /* num_tables, imports included */

  uint32_t num_memories, num_imported_memories;
  Limits *memories;  /* num_memories, imports included */

  uint32_t num_globals, num_imported_globals;
  GlobalType *global_types; /* num_globals, imports included */
  ConstExpr *global_inits;  /* num_globals - num_imported_globals */

  uint32_t num_exports;
  Export *exports;

  bool has_start;
  uint32_t start_func;

  uint32_t num_elems;
  ElemSegment *elems;

  bool has_data_count;
  uint32_t data_count;
  uint32_t num_datas;
  DataSegment *datas;

  /* Functions referenced outside function bodies (exports, elements,
   * globals): the only ones ref.func may name in code.  num_funcs bits. */
  uint8_t *declared_funcs;

  uint32_t num_customs;
  CustomSection *customs;

  /* from the "name" custom section; NULL where absent */
  char *module_name;
  char **func_names; /* num_funcs entries or NULL */

  /* Tier caches: one slot per tier, filled lazily and published with an
   * atomic compare-and-swap; each points at a TierCache header. */
  void *fast_interp_code;
  void *jit_code;
  void *_Atomic llvm_code; /* the LLVM JIT's (jit-llvm/llvm_jit.c) */
} Module;

static inline const FuncType *module_func_type(const Module *m, uint32_t func_index)
{
  return &m->types[m->func_type_index[func_index]];
}

/* Owns nothing it was not given; frees everything the decoder allocated. */
void module_free(Module *m);

/* The budget above for m, and what its side tables and tier caches hold now. */
size_t module_side_budget(const Module *m);
size_t module_side_bytes(const Module *m);

/* Index of the export named `name` of kind `kind`, or -1. */
int32_t module_find_export(const Module *m, const char *name, uint8_t kind);
/* The same for a name of `len` bytes that may contain NUL bytes. */
int32_t module_find_export_len(const Module *m, const char *name, uint32_t len, uint8_t kind);

#endif
