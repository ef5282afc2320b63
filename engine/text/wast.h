/*
 * wast.h -- .wast scripts (the spec test format) as a list of commands.
 *
 * Modules in a script are turned into binary modules by the text parser as
 * the script is read; a module whose text is malformed (as assert_malformed
 * expects of `module quote`) keeps the error instead of bytes, so one bad
 * module does not stop the script.  A runner walks the commands in order.
 */
#ifndef WP_TEXT_WAST_H
#define WP_TEXT_WAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum WastCommandKind {
  WAST_MODULE,
  WAST_REGISTER,
  WAST_ACTION, /* a bare invoke or get */
  WAST_ASSERT_RETURN,
  WAST_ASSERT_TRAP, /* an action, or a module that traps when instantiated */
  WAST_ASSERT_EXHAUSTION,
  WAST_ASSERT_INVALID,
  WAST_ASSERT_MALFORMED,
  WAST_ASSERT_UNLINKABLE,
  WAST_ASSERT_UNINSTANTIABLE,
} WastCommandKind;

/* How an expected result is matched. */
typedef enum WastValueKind {
  WAST_VALUE_EXACT,          /* bits (NaNs included) must be equal */
  WAST_VALUE_NAN_CANONICAL,  /* nan:canonical */
  WAST_VALUE_NAN_ARITHMETIC, /* nan:arithmetic */
  WAST_VALUE_REF_NULL,       /* ref.null of `type` */
  WAST_VALUE_REF_EXTERN,     /* ref.extern N: the host reference N */
  WAST_VALUE_REF_FUNC,       /* ref.func: any non-null function reference */
} WastValueKind;

typedef struct WastValue {
  uint8_t type; /* value type byte: 0x7F i32 ... 0x7B v128, 0x70 funcref, 0x6F externref */
  uint8_t kind; /* WastValueKind, for scalars */
  /* v128 only: the shape written (0x7F i32x4-like integers, 0x7D f32x4,
   * 0x7C f64x2) and a WastValueKind per float lane, for NaN patterns */
  uint8_t v128_float_type;
  uint8_t lane_kinds[4];
  union {
    uint32_t i32;
    uint64_t i64;
    uint32_t f32; /* bits */
    uint64_t f64; /* bits */
    uint8_t v128[16];
    uint32_t ref_extern;
  } u;
} WastValue;

typedef struct WastAction {
  bool is_get;      /* (get ...) rather than (invoke ...) */
  const char *module; /* $id of the target module, or NULL for the latest */
  const char *name;   /* export name (may contain NUL bytes) */
  uint32_t name_len;
  WastValue *args;
  uint32_t num_args;
} WastAction;

typedef struct WastModule {
  const char *name;      /* $id, or NULL */
  const uint8_t *bytes;  /* the binary module, or NULL when `error` */
  size_t size;
  const char *error;     /* text-format error of a malformed module */
  bool is_binary, is_quote;
  uint32_t line;         /* of the (module ...) itself */
} WastModule;

typedef struct WastCommand {
  WastCommandKind kind;
  uint32_t line;
  WastModule module;       /* module, assert_invalid/malformed/unlinkable/
                            * uninstantiable, assert_trap on a module */
  bool has_module;
  WastAction action;       /* actions and assertions on actions */
  WastValue *expected;     /* assert_return */
  uint32_t num_expected;
  const char *message;     /* the failure an assertion expects */
  const char *register_name; /* register "name" $module? */
  uint32_t register_name_len;
  const char *register_module;
} WastCommand;

typedef struct WastScript {
  WastCommand *commands;
  uint32_t num_commands;
  void *priv; /* owns all of the above */
} WastScript;

/* NULL with "LINE:COL: message" when the script itself is malformed. */
WastScript *wast_parse(const char *src, size_t len, char *error, uint32_t error_size);
void wast_free(WastScript *script);

#endif
