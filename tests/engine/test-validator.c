/*
 * test-validator.c -- the validator: modules that must validate (one
 * function per instruction family, multi-value blocks, unreachable-code
 * typing), the branch side table and stack height it records, and the
 * message (spec wording first) for each kind of invalid or malformed code.
 *
 * Function bodies are byte arrays with their meaning beside them, wrapped by
 * build_module() in a fixed module (see there), so offsets are easy to read.
 * Whole valid modules are .wat files built by the test build (valid-*.wat).
 * Run under ASan, the error-path tests also check that nothing leaks.
 */
#include <glib.h>
#include <string.h>

#include "common/opcodes.h"
#include "decode/decoder.h"
#include "validate/validator.h"

#define HEADER 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 /* "\0asm", version 1 */

/* ---- building modules ------------------------------------------------ */

enum {
  WITH_MEMORY = 1, /* one memory of one page */
  WITH_TABLES = 2, /* table 0: funcref, table 1: externref, both min 1 */
  WITH_DATA = 4,   /* a data count section and one passive data segment */
};

static void put_u32(GByteArray *b, uint32_t v)
{
  do {
    uint8_t byte = v & 0x7F;
    v >>= 7;
    if (v)
      byte |= 0x80;
    g_byte_array_append(b, &byte, 1);
  } while (v);
}

static void put_byte(GByteArray *b, uint8_t v)
{
  g_byte_array_append(b, &v, 1);
}

static void put_section(GByteArray *out, uint8_t id, GByteArray *content)
{
  put_byte(out, id);
  put_u32(out, content->len);
  g_byte_array_append(out, content->data, content->len);
  g_byte_array_set_size(content, 0);
}

static uint8_t letter_type(char c)
{
  switch (c) {
  case 'i': return VAL_I32;
  case 'I': return VAL_I64;
  case 'f': return VAL_F32;
  case 'F': return VAL_F64;
  case 'r': return VAL_FUNCREF;
  case 'e': return VAL_EXTERNREF;
  }
  g_assert_not_reached();
}

/* A vector of value types from letters (opcodes.def's, plus r = funcref and
 * e = externref). */
static void put_types(GByteArray *b, const char *letters, size_t n)
{
  put_u32(b, (uint32_t)n);
  for (size_t i = 0; i < n; i++)
    put_byte(b, letter_type(letters[i]));
}

/*
 * A module around the function under test, function 0:
 *   types      0 = function 0's `sig` ("params>results"), 1 = [] -> [],
 *              2 = [i32] -> [i32 i32], 3 = [i32 i64] -> [f32]
 *   functions  0 the `body` (with one local of each letter of `locals`),
 *              1 of type 1, 2 of type 2
 *   tables     WITH_TABLES: 0 funcref, 1 externref
 *   memory     WITH_MEMORY: one page
 *   globals    0 mutable i32, 1 immutable i64
 *   elements   0 declarative funcref (ref.func 1): only function 1 is
 *              declared; 1 passive externref (ref.null extern)
 *   data       WITH_DATA: data count 1, one passive segment
 * `body` holds the instructions, final `end` included.
 */
static GBytes *build_module(const char *sig, const char *locals, unsigned flags, const uint8_t *body, size_t n)
{
  GByteArray *out = g_byte_array_new();
  GByteArray *s = g_byte_array_new();
  static const uint8_t header[] = {HEADER};
  g_byte_array_append(out, header, sizeof header);

  const char *gt = strchr(sig, '>');
  g_assert_nonnull(gt);
  put_u32(s, 4);
  put_byte(s, 0x60), put_types(s, sig, gt - sig), put_types(s, gt + 1, strlen(gt + 1));
  put_byte(s, 0x60), put_types(s, "", 0), put_types(s, "", 0);
  put_byte(s, 0x60), put_types(s, "i", 1), put_types(s, "ii", 2);
  put_byte(s, 0x60), put_types(s, "iI", 2), put_types(s, "f", 1);
  put_section(out, 1, s);

  put_u32(s, 3), put_u32(s, 0), put_u32(s, 1), put_u32(s, 2);
  put_section(out, 3, s);

  if (flags & WITH_TABLES) {
    put_u32(s, 2);
    put_byte(s, VAL_FUNCREF), put_byte(s, 0), put_u32(s, 1);
    put_byte(s, VAL_EXTERNREF), put_byte(s, 0), put_u32(s, 1);
    put_section(out, 4, s);
  }
  if (flags & WITH_MEMORY) {
    put_u32(s, 1), put_byte(s, 0), put_u32(s, 1);
    put_section(out, 5, s);
  }

  static const uint8_t globals[] = {
    2,
    VAL_I32, 1, OP_I32_CONST, 0, OP_END, /* (global (mut i32) (i32.const 0)) */
    VAL_I64, 0, OP_I64_CONST, 0, OP_END, /* (global i64 (i64.const 0)) */
  };
  g_byte_array_append(s, globals, sizeof globals);
  put_section(out, 6, s);

  static const uint8_t elems[] = {
    2,
    3, 0x00, 1, 1,                                  /* declarative, elemkind funcref, [1] */
    5, VAL_EXTERNREF, 1, OP_REF_NULL, VAL_EXTERNREF, OP_END, /* passive externref [ref.null extern] */
  };
  g_byte_array_append(s, elems, sizeof elems);
  put_section(out, 9, s);

  if (flags & WITH_DATA) {
    put_u32(s, 1);
    put_section(out, 12, s);
  }

  GByteArray *code = g_byte_array_new();
  put_u32(s, 3);
  put_u32(code, (uint32_t)strlen(locals));
  for (const char *l = locals; *l; l++)
    put_u32(code, 1), put_byte(code, letter_type(*l));
  g_byte_array_append(code, body, (guint)n);
  put_u32(s, code->len);
  g_byte_array_append(s, code->data, code->len);
  static const uint8_t f1[] = {2, 0, OP_END};                                    /* func 1: nothing */
  static const uint8_t f2[] = {6, 0, OP_LOCAL_GET, 0, OP_LOCAL_GET, 0, OP_END}; /* func 2: [x x] */
  g_byte_array_append(s, f1, sizeof f1);
  g_byte_array_append(s, f2, sizeof f2);
  put_section(out, 10, s);
  g_byte_array_unref(code);

  if (flags & WITH_DATA) {
    static const uint8_t data[] = {1, 1, 2, 'h', 'i'}; /* one passive segment "hi" */
    g_byte_array_append(s, data, sizeof data);
    put_section(out, 11, s);
  }
  g_byte_array_unref(s);
  return g_byte_array_free_to_bytes(out);
}

static GBytes *load_wasm(const char *name)
{
  char *path = g_build_filename(g_getenv("WP_TEST_WASM_DIR"), name, NULL);
  char *data;
  gsize size;
  GError *error = NULL;
  g_assert_true(g_file_get_contents(path, &data, &size, &error));
  g_assert_no_error(error);
  g_free(path);
  return g_bytes_new_take(data, size);
}

/* Decodes and validates; NULL with the message in `error` if either fails. */
static Module *load(GBytes *b, char *error, uint32_t size)
{
  gsize n;
  const uint8_t *bytes = g_bytes_get_data(b, &n);
  Module *m = decode_module(bytes, n, error, size);
  if (m && !validate_module(m, error, size)) {
    module_free(m);
    m = NULL;
  }
  return m;
}

static Module *load_ok(GBytes *b)
{
  char error[256] = "";
  Module *m = load(b, error, sizeof error);
  if (!m)
    g_error("validation failed: %s", error);
  return m;
}

/* Function 0 of build_module() with `body`: must validate. */
static Module *body_ok(const char *sig, const char *locals, unsigned flags, const uint8_t *body, size_t n)
{
  GBytes *b = build_module(sig, locals, flags, body, n);
  Module *m = load_ok(b);
  g_bytes_unref(b);
  for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs; i++)
    g_assert_true(m->funcs[i].validated);
  return m;
}

/* ... must fail with a message starting with `prefix`. */
static void body_fails(const char *what, const char *sig, const char *locals, unsigned flags, const uint8_t *body,
                       size_t n, const char *prefix)
{
  char error[256] = "";
  GBytes *b = build_module(sig, locals, flags, body, n);
  Module *m = load(b, error, sizeof error);
  g_bytes_unref(b);
  if (m)
    g_error("%s: validated, expected \"%s\"", what, prefix);
  if (!g_str_has_prefix(error, prefix))
    g_error("%s: \"%s\", expected \"%s...\"", what, error, prefix);
}

#define BODY(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})
#define FAILS(sig, locals, flags, prefix, ...) \
  body_fails(#__VA_ARGS__, sig, locals, flags, BODY(__VA_ARGS__), prefix)

/* A whole module given as bytes must fail with exactly `expected`, or with
 * a message starting with it when it ends in "...". */
static void module_fails(const char *what, const uint8_t *bytes, size_t n, const char *expected)
{
  char error[256] = "";
  GBytes *b = g_bytes_new_static(bytes, n);
  Module *m = load(b, error, sizeof error);
  g_bytes_unref(b);
  if (m)
    g_error("%s: validated, expected \"%s\"", what, expected);
  if (g_str_has_suffix(expected, "...")) {
    char *prefix = g_strndup(expected, strlen(expected) - 3);
    if (!g_str_has_prefix(error, prefix))
      g_error("%s: \"%s\", expected \"%s\"", what, error, expected);
    g_free(prefix);
  } else if (strcmp(error, expected) != 0) {
    g_error("%s: \"%s\", expected \"%s\"", what, error, expected);
  }
}

#define MODULE_FAILS(array, expected) module_fails(#array, array, sizeof array, expected)

static void assert_entry(const FuncDef *f, uint32_t i, uint32_t pc, uint32_t st, uint32_t height, uint32_t arity)
{
  g_assert_cmpuint(i, <, f->num_branches);
  const BranchEntry *e = &f->branches[i];
  if (e->target_pc != pc || e->target_st != st || e->height != height || e->arity != arity)
    g_error("entry %u: pc %u st %u height %u arity %u, expected pc %u st %u height %u arity %u", i, e->target_pc,
            e->target_st, e->height, e->arity, pc, st, height, arity);
}

/* ---- valid modules ---------------------------------------------------- */

static void test_valid_families(void)
{
  GBytes *b = load_wasm("valid-families.wasm");
  Module *m = load_ok(b);
  g_assert_cmpuint(m->num_funcs - m->num_imported_funcs, ==, 7);
  for (uint32_t i = 0; i < m->num_funcs - m->num_imported_funcs; i++) {
    const FuncDef *f = &m->funcs[i];
    g_assert_true(f->validated);
    g_assert_cmpuint(f->local_slots, ==, m->types[f->type_index].num_params + f->num_locals);
    g_assert_cmpuint(f->max_stack, >, 0);
  }
  /* $variables: (param i32) (local i64 funcref) */
  g_assert_cmpuint(m->funcs[3].local_slots, ==, 3);
  /* $numeric: at most i64.add's two operands, one of them extend's */
  g_assert_cmpuint(m->funcs[0].max_stack, ==, 2);
  /* $memory: memory.init's three operands */
  g_assert_cmpuint(m->funcs[1].max_stack, ==, 3);
  module_free(m);
  g_bytes_unref(b);
}

static void test_valid_control(void)
{
  GBytes *b = load_wasm("valid-control.wasm");
  Module *m = load_ok(b);
  g_assert_cmpuint(m->num_funcs, ==, 5);

  /* $blocks, at body offsets:
   *  0 block i32 / 2 loop i32 / 4 i32.const 1 / 6 local.get 0 / 8 i32.eqz /
   *  9 br_if 1 / 11 local.get 0 / 13 i32.const 1 / 15 i32.sub / 16 local.set 0 /
   *  18 br 0 / 20 end / 21 end / 22 local.get 0 / 24 if i32 / 26 i32.const 1 /
   *  28 else / 29 i32.const 2 / 31 end / 32 i32.add / 33 end */
  const FuncDef *f = &m->funcs[0];
  g_assert_cmpuint(f->num_branches, ==, 4);
  assert_entry(f, 0, 21, 2, 0, 1); /* br_if 1: the block's end, carrying its i32 */
  assert_entry(f, 1, 4, 0, 0, 0);  /* br 0: the loop's first instruction, nothing carried */
  assert_entry(f, 2, 29, 4, 1, 0); /* if, false: past the else and its entry */
  assert_entry(f, 3, 31, 4, 1, 0); /* else: the end */
  g_assert_cmpuint(f->max_stack, ==, 3); /* br_if leaves its i32, then local.get, i32.const */
  g_assert_cmpuint(f->local_slots, ==, 1);

  /* $br-table: br_table 2 1 0 1 at offset 10 with i32.const 10 below:
   * 0 block / 2 block / 4 block / 6 i32.const 10 / 8 local.get 0 /
   * 10 br_table / 16 end / 17 drop / 18 i32.const 11 / 20 end / 21 drop /
   * 22 i32.const 12 / 24 end / 25 end */
  f = &m->funcs[2];
  g_assert_cmpuint(f->num_branches, ==, 4);
  assert_entry(f, 0, 24, 4, 0, 1);
  assert_entry(f, 1, 20, 4, 0, 1);
  assert_entry(f, 2, 16, 4, 0, 1);
  assert_entry(f, 3, 20, 4, 0, 1);
  g_assert_cmpuint(f->max_stack, ==, 2);
  module_free(m);
  g_bytes_unref(b);
}

/* Multi-value block types: params come from below, results go on. */
static void test_multi_value(void)
{
  Module *m = body_ok(">ii", "", 0, BODY(
    OP_I32_CONST, 5,
    OP_BLOCK, 2,                 /* [i32] -> [i32 i32] */
      OP_I32_CONST, 6,
      OP_I32_CONST, 1,
      OP_BR_IF, 0,               /* carries both, from height 0 */
    OP_END,
    OP_END));
  const FuncDef *f = &m->funcs[0];
  g_assert_cmpuint(f->num_branches, ==, 1);
  assert_entry(f, 0, 10, 1, 0, 2);
  g_assert_cmpuint(f->max_stack, ==, 3);
  module_free(m);

  /* loop with params: a branch carries the params back */
  m = body_ok("i>f", "", 0, BODY(
    OP_I32_CONST, 1,
    OP_LOCAL_GET, 0,
    OP_I64_EXTEND_I32_S,
    OP_LOOP, 3,                  /* [i32 i64] -> [f32], body at 7 */
      OP_LOCAL_GET, 0,
      OP_BR_IF, 0,
      OP_DROP, OP_DROP,
      OP_F32_CONST, 0, 0, 0, 0,
    OP_END,
    OP_END));
  f = &m->funcs[0];
  assert_entry(f, 0, 7, 0, 0, 2);
  module_free(m);
}

/* ---- the side table ---------------------------------------------------- */

static void test_side_table_if(void)
{
  /* if without else: false goes to its end; an if inside the then-arm keeps
   * the st index in step */
  Module *m = body_ok("i>i", "", 0, BODY(
    OP_I32_CONST, 7,             /*  0 */
    OP_LOCAL_GET, 0,             /*  2 */
    OP_IF, 0x40,                 /*  4 */
      OP_LOCAL_GET, 0,           /*  6 */
      OP_IF, 0x40,               /*  8 */
        OP_BR, 1,                /* 10: to the outer if's end */
      OP_END,                    /* 12 */
    OP_END,                      /* 13 */
    OP_END));                    /* 14 */
  const FuncDef *f = &m->funcs[0];
  g_assert_cmpuint(f->num_branches, ==, 3);
  assert_entry(f, 0, 13, 3, 1, 0);
  assert_entry(f, 1, 12, 3, 1, 0);
  assert_entry(f, 2, 13, 3, 1, 0);
  module_free(m);

  /* if with params and else */
  m = body_ok("i>i", "", 0, BODY(
    OP_LOCAL_GET, 0,             /*  0 */
    OP_LOCAL_GET, 0,             /*  2 */
    OP_IF, 0,                    /*  4: type 0, [i32] -> [i32] */
      OP_I32_CONST, 1,           /*  6 */
      OP_I32_ADD,                /*  8 */
      OP_BR, 0,                  /*  9 */
    OP_ELSE,                     /* 11 */
      OP_BR, 1,                  /* 12: the function's end */
    OP_END,                      /* 14 */
    OP_END));                    /* 15 */
  f = &m->funcs[0];
  g_assert_cmpuint(f->num_branches, ==, 4);
  assert_entry(f, 0, 12, 3, 0, 0);  /* if: just past else (12), past the else's entry (3) */
  assert_entry(f, 1, 14, 4, 0, 1);  /* br 0 in then */
  assert_entry(f, 2, 14, 4, 0, 0);  /* else */
  assert_entry(f, 3, 15, 4, 0, 1);  /* br 1: the final end */
  module_free(m);
}

static void test_side_table_unreachable(void)
{
  /* Entries are made in dead code too, so st stays in step with pc. */
  Module *m = body_ok(">", "", 0, BODY(
    OP_BLOCK, 0x40,              /*  0 */
      OP_BR, 0,                  /*  2 */
      OP_BR_IF, 0,               /*  4: dead, pops an Unknown condition */
      OP_BR_TABLE, 2, 0, 1, 0,   /*  6: dead */
      OP_IF, 0x40, OP_ELSE, OP_END, /* 11: dead, Unknown condition */
    OP_END,                      /* 15 */
    OP_RETURN,                   /* 16: no entry */
    OP_END));                    /* 17 */
  const FuncDef *f = &m->funcs[0];
  g_assert_cmpuint(f->num_branches, ==, 7);
  assert_entry(f, 0, 15, 7, 0, 0);
  assert_entry(f, 1, 15, 7, 0, 0);
  assert_entry(f, 2, 15, 7, 0, 0);
  assert_entry(f, 3, 17, 7, 0, 0); /* label 1: the function */
  assert_entry(f, 4, 15, 7, 0, 0);
  assert_entry(f, 5, 14, 7, 0, 0); /* if: past the else and its entry */
  assert_entry(f, 6, 14, 7, 0, 0); /* else: its end */
  module_free(m);
}

static void test_side_table_heights(void)
{
  /* Values below a block stay; a branch moves the carried values down to
   * the block's height. */
  Module *m = body_ok(">I", "I", 0, BODY(
    OP_I32_CONST, 1,             /*  0 */
    OP_I32_CONST, 2,             /*  2 */
    OP_BLOCK, VAL_I64,           /*  4: height 2 */
      OP_I32_CONST, 3,           /*  6 */
      OP_I64_CONST, 4,           /*  8 */
      OP_LOCAL_GET, 0,           /* 10 */
      OP_I32_WRAP_I64,           /* 12 */
      OP_BR_IF, 0,               /* 13: height 2, carries the i64 */
      OP_BR, 0,                  /* 15 */
    OP_END,                      /* 17 */
    OP_LOCAL_SET, 0,             /* 18 */
    OP_DROP, OP_DROP,            /* 20 */
    OP_LOCAL_GET, 0,             /* 22 */
    OP_END));                    /* 24 */
  const FuncDef *f = &m->funcs[0];
  g_assert_cmpuint(f->local_slots, ==, 1);
  g_assert_cmpuint(f->num_branches, ==, 2);
  assert_entry(f, 0, 17, 2, 2, 1);
  assert_entry(f, 1, 17, 2, 2, 1);
  g_assert_cmpuint(f->max_stack, ==, 5);
  module_free(m);
}

/* Deeply nested blocks and long bodies: no recursion, no quadratic work. */
static void test_large_functions(void)
{
  enum { DEPTH = 100000, OPS = 300000 };
  GByteArray *body = g_byte_array_new();
  for (int i = 0; i < DEPTH; i++)
    put_byte(body, OP_BLOCK), put_byte(body, 0x40);
  put_byte(body, OP_BR), put_u32(body, DEPTH); /* to the function */
  for (int i = 0; i < DEPTH; i++)
    put_byte(body, OP_END);
  put_byte(body, OP_END);
  Module *m = body_ok(">", "", 0, body->data, body->len);
  g_assert_cmpuint(m->funcs[0].num_branches, ==, 1);
  assert_entry(&m->funcs[0], 0, body->len - 1, 1, 0, 0);
  module_free(m);

  /* a long straight line, then one br_table with many labels */
  g_byte_array_set_size(body, 0);
  for (int i = 0; i < OPS; i++)
    put_byte(body, OP_I32_CONST), put_byte(body, 1);
  for (int i = 0; i < OPS - 1; i++)
    put_byte(body, OP_I32_ADD);
  put_byte(body, OP_BLOCK), put_byte(body, VAL_I32);
  put_byte(body, OP_I32_CONST), put_byte(body, 0);
  put_byte(body, OP_I32_CONST), put_byte(body, 0);
  put_byte(body, OP_BR_TABLE), put_u32(body, OPS);
  for (int i = 0; i < OPS; i++)
    put_byte(body, i & 1);
  put_byte(body, 0);
  put_byte(body, OP_END);
  put_byte(body, OP_I32_ADD);
  put_byte(body, OP_END);
  gint64 t0 = g_get_monotonic_time();
  m = body_ok(">i", "", 0, body->data, body->len);
  gint64 t1 = g_get_monotonic_time();
  g_assert_cmpuint(m->funcs[0].max_stack, ==, OPS);
  g_assert_cmpuint(m->funcs[0].num_branches, ==, OPS + 1);
  g_assert_cmpint(t1 - t0, <, 5 * G_USEC_PER_SEC); /* linear: milliseconds, even under ASan */
  module_free(m);
  g_byte_array_unref(body);
}

/* ---- invalid code -------------------------------------------------------- */

static void test_type_mismatch(void)
{
  FAILS(">", "", 0, "type mismatch in i32.add (expected i32, got i64) at offset 0x", /* the exact form */
        OP_I32_CONST, 1, OP_I64_CONST, 1, OP_I32_ADD, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch", OP_I32_ADD, OP_DROP, OP_END);          /* empty stack */
  FAILS(">i", "", 0, "type mismatch", OP_END);                              /* missing result */
  FAILS(">", "", 0, "type mismatch", OP_I32_CONST, 0, OP_END);             /* value left over */
  FAILS(">i", "", 0, "type mismatch", OP_I64_CONST, 0, OP_END);            /* wrong result */
  FAILS(">", "", 0, "type mismatch", OP_BLOCK, VAL_I32, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* block can't see outside */
        OP_I32_CONST, 0, OP_BLOCK, 0x40, OP_DROP, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* block param missing */
        OP_BLOCK, 2, OP_DROP, OP_DROP, OP_END, OP_END);
  FAILS(">", "", 0, "type mismatch", OP_IF, 0x40, OP_END, OP_END);         /* no condition */
  FAILS(">", "", 0, "type mismatch",                                        /* if without else, results */
        OP_I32_CONST, 0, OP_IF, VAL_I32, OP_I32_CONST, 0, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* ... even unreachable */
        OP_I32_CONST, 0, OP_IF, VAL_I32, OP_UNREACHABLE, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* else arm */
        OP_I32_CONST, 0, OP_IF, VAL_I32, OP_I32_CONST, 0, OP_ELSE, OP_I64_CONST, 0, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* br value */
        OP_BLOCK, VAL_I32, OP_I64_CONST, 0, OP_BR, 0, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* br_table arity */
        OP_BLOCK, VAL_I32, OP_BLOCK, 0x40, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_BR_TABLE, 1, 0, 1, OP_END,
        OP_I32_CONST, 0, OP_END, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* br_table types */
        OP_BLOCK, VAL_I32, OP_BLOCK, VAL_I64, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_BR_TABLE, 1, 0, 1, OP_END,
        OP_DROP, OP_I32_CONST, 0, OP_END, OP_DROP, OP_END);
  FAILS(">i", "", 0, "type mismatch", OP_I64_CONST, 0, OP_RETURN, OP_END);
  FAILS(">", "", 0, "type mismatch", OP_CALL, 2, OP_DROP, OP_DROP, OP_END); /* missing argument */
  FAILS(">", "I", 0, "type mismatch", OP_I32_CONST, 0, OP_LOCAL_SET, 0, OP_END);
  FAILS(">", "", WITH_TABLES, "type mismatch",                               /* select needs numbers */
        OP_REF_NULL, VAL_FUNCREF, OP_REF_NULL, VAL_FUNCREF, OP_I32_CONST, 0, OP_SELECT, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* select operands differ */
        OP_I32_CONST, 0, OP_I64_CONST, 0, OP_I32_CONST, 0, OP_SELECT, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* typed select */
        OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_SELECT_T, 1, VAL_I64, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",                                        /* ref.is_null of a number */
        OP_I32_CONST, 0, OP_REF_IS_NULL, OP_DROP, OP_END);
  FAILS(">", "", WITH_TABLES, "type mismatch",                              /* table.set of the wrong ref */
        OP_I32_CONST, 0, OP_REF_NULL, VAL_EXTERNREF, OP_TABLE_SET, 0, OP_END);
  FAILS(">", "", WITH_TABLES, "type mismatch",                              /* call_indirect via externref table */
        OP_I32_CONST, 0, OP_CALL_INDIRECT, 1, 1, OP_END);
  FAILS(">", "", WITH_TABLES, "type mismatch",                              /* table.copy across types */
        OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_PREFIX_FC, OP_FC_TABLE_COPY, 0, 1, OP_END);
  FAILS(">", "", WITH_TABLES, "type mismatch",                              /* table.init, externref segment */
        OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_PREFIX_FC, OP_FC_TABLE_INIT, 1, 0, OP_END);
  FAILS(">", "", WITH_MEMORY, "type mismatch", OP_I64_CONST, 0, OP_I32_LOAD, 2, 0, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch", OP_I64_CONST, 0, OP_GLOBAL_SET, 0, OP_END);
  /* unreachable code still checks what it can see */
  FAILS(">", "", 0, "type mismatch", OP_UNREACHABLE, OP_I64_CONST, 0, OP_I32_ADD, OP_DROP, OP_END);
  FAILS(">", "", 0, "type mismatch",
        OP_UNREACHABLE, OP_REF_NULL, VAL_FUNCREF, OP_I32_CONST, 0, OP_SELECT, OP_DROP, OP_END);
}

static void test_unknown_indices(void)
{
  FAILS(">", "i", 0, "unknown local 1 in local.get at offset 0x", OP_LOCAL_GET, 1, OP_DROP, OP_END);
  FAILS("i>", "", 0, "unknown local", OP_I32_CONST, 0, OP_LOCAL_TEE, 1, OP_DROP, OP_END);
  FAILS(">", "", 0, "unknown label", OP_BR, 1, OP_END);
  FAILS(">", "", 0, "unknown label", OP_BLOCK, 0x40, OP_I32_CONST, 0, OP_BR_IF, 2, OP_END, OP_END);
  FAILS(">", "", 0, "unknown label", OP_I32_CONST, 0, OP_BR_TABLE, 1, 0, 5, OP_END);
  FAILS(">", "", 0, "unknown label", OP_I32_CONST, 0, OP_BR_TABLE, 1, 5, 0, OP_END);
  FAILS(">", "", 0, "unknown function", OP_CALL, 3, OP_END);
  FAILS(">", "", 0, "unknown function", OP_REF_FUNC, 9, OP_DROP, OP_END);
  FAILS(">", "", 0, "unknown global", OP_GLOBAL_GET, 2, OP_DROP, OP_END);
  FAILS(">", "", 0, "unknown table", OP_I32_CONST, 0, OP_CALL_INDIRECT, 1, 0, OP_END);
  FAILS(">", "", WITH_TABLES, "unknown table", OP_PREFIX_FC, OP_FC_TABLE_SIZE, 2, OP_DROP, OP_END);
  FAILS(">", "", 0, "unknown table", OP_I32_CONST, 0, OP_TABLE_GET, 0, OP_DROP, OP_END);
  FAILS(">", "", WITH_TABLES, "unknown type", OP_I32_CONST, 0, OP_CALL_INDIRECT, 4, 0, OP_END);
  FAILS(">", "", 0, "unknown type", OP_BLOCK, 4, OP_END, OP_END);
  FAILS(">", "", 0, "unknown memory 0", OP_MEMORY_SIZE, 0, OP_DROP, OP_END);
  FAILS(">", "", 0, "unknown memory", OP_I32_CONST, 0, OP_I32_LOAD, 2, 0, OP_DROP, OP_END);
  FAILS(">", "", 0, "unknown memory", OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0,
        OP_PREFIX_FC, OP_FC_MEMORY_FILL, 0, OP_END);
  FAILS(">", "", WITH_MEMORY | WITH_DATA, "unknown data segment 1", OP_PREFIX_FC, OP_FC_DATA_DROP, 1, OP_END);
  FAILS(">", "", WITH_DATA, "unknown memory 0", OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0,
        OP_PREFIX_FC, OP_FC_MEMORY_INIT, 0, 0, OP_END);
  FAILS(">", "", 0, "unknown elem segment 2", OP_PREFIX_FC, OP_FC_ELEM_DROP, 2, OP_END);
  FAILS(">", "", WITH_TABLES, "unknown elem segment", OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0,
        OP_PREFIX_FC, OP_FC_TABLE_INIT, 7, 0, OP_END);
}

static void test_other_rules(void)
{
  FAILS(">", "", 0, "global is immutable", OP_I64_CONST, 0, OP_GLOBAL_SET, 1, OP_END);
  FAILS(">", "", WITH_MEMORY, "alignment must not be larger than natural",
        OP_I32_CONST, 0, OP_I32_LOAD8_S, 1, 0, OP_DROP, OP_END);
  FAILS(">", "", WITH_MEMORY, "alignment must not be larger than natural",
        OP_I32_CONST, 0, OP_I64_CONST, 0, OP_I64_STORE, 4, 0, OP_END);
  FAILS(">", "", 0, "invalid result arity",                                 /* select with no type */
        OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_SELECT_T, 0, OP_DROP, OP_END);
  FAILS(">", "", 0, "invalid result arity",
        OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0, OP_SELECT_T, 2, VAL_I32, VAL_I32, OP_DROP, OP_END);
  FAILS(">", "", 0, "undeclared function reference", OP_REF_FUNC, 2, OP_DROP, OP_END);
  /* natural alignment and function 1 (declared by the elem segment) are fine */
  Module *m = body_ok(">", "", WITH_MEMORY, BODY(
    OP_I32_CONST, 0, OP_I64_CONST, 0, OP_I64_STORE, 3, 0,
    OP_REF_FUNC, 1, OP_DROP,
    OP_END));
  module_free(m);
}

/* ---- malformed code ------------------------------------------------------ */

static void test_malformed(void)
{
  FAILS(">", "", 0, "illegal opcode", 0x06, OP_END);
  FAILS(">", "", 0, "illegal opcode", OP_PREFIX_FC, 18, OP_END);
  FAILS(">", "", 0, "SIMD instructions are not supported yet", OP_PREFIX_FD, 12, OP_END);
  FAILS(">", "", WITH_MEMORY, "zero byte expected", OP_MEMORY_SIZE, 1, OP_DROP, OP_END);
  FAILS(">", "", WITH_MEMORY, "zero byte expected", OP_I32_CONST, 0, OP_MEMORY_GROW, 1, OP_DROP, OP_END);
  FAILS(">", "", WITH_MEMORY, "zero byte expected", OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0,
        OP_PREFIX_FC, OP_FC_MEMORY_COPY, 0, 1, OP_END);
  FAILS(">", "", WITH_MEMORY | WITH_DATA, "zero byte expected", OP_I32_CONST, 0, OP_I32_CONST, 0, OP_I32_CONST, 0,
        OP_PREFIX_FC, OP_FC_MEMORY_INIT, 0, 1, OP_END);
  FAILS(">", "", WITH_MEMORY, "data count section required", OP_PREFIX_FC, OP_FC_DATA_DROP, 0, OP_END);
  FAILS(">", "", 0, "END opcode expected", OP_ELSE, OP_END);
  FAILS(">", "", 0, "END opcode expected",
        OP_I32_CONST, 0, OP_IF, 0x40, OP_ELSE, OP_ELSE, OP_END, OP_END);
  FAILS(">", "", 0, "unexpected end", OP_BLOCK, 0x40, OP_END);              /* the function never closes */
  FAILS(">", "", 0, "unexpected end", OP_F64_CONST, 0, 0, OP_END);          /* immediate past the body */
  FAILS(">", "", 0, "section size mismatch", OP_END, OP_NOP, OP_END);       /* code after the final end */
  FAILS(">", "", 0, "integer representation too long", OP_I32_CONST, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00,
        OP_DROP, OP_END);
  FAILS(">", "", 0, "integer too large", OP_I32_CONST, 0xFF, 0xFF, 0xFF, 0xFF, 0x4F, OP_DROP, OP_END);
  FAILS(">", "", 0, "integer too large", OP_LOCAL_GET, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F, OP_DROP, OP_END);
  FAILS(">", "", 0, "malformed reference type", OP_REF_NULL, VAL_I32, OP_DROP, OP_END);
  FAILS(">", "", 0, "malformed value type", OP_BLOCK, 0x50, OP_END, OP_END);
  /* malformed wins over invalid, even when the invalid code comes first */
  FAILS(">", "", 0, "illegal opcode", OP_I64_CONST, 0, OP_I32_EQZ, OP_DROP, 0xFF, OP_END);
}

/* A malformed body in a later function wins over an invalid earlier one. */
static void test_malformed_first(void)
{
  static const uint8_t bytes[] = {
    HEADER,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,       /* type section: [] -> [] */
    0x03, 0x03, 0x02, 0x00, 0x00,             /* function section: two of type 0 */
    0x0a, 0x0b, 0x02,                         /* code section, two bodies */
    0x04, 0x00, 0x41, 0x00, 0x0b,             /* i32.const 0 end: a value left, invalid */
    0x04, 0x00, 0x06, 0x01, 0x0b,             /* 0x06: illegal opcode */
  };
  MODULE_FAILS(bytes, "illegal opcode 0x06 at offset 0x1d (function 1)");
}

/* ---- module-level rules --------------------------------------------------- */

static void test_module_rules(void)
{
  static const uint8_t table_limits[] = {
    HEADER, 0x04, 0x05, 0x01, 0x70, 0x01, 0x02, 0x01, /* (table 2 1 funcref) */
  };
  MODULE_FAILS(table_limits, "size minimum must not be greater than maximum...");
  static const uint8_t memory_limits[] = {
    HEADER, 0x05, 0x04, 0x01, 0x01, 0x02, 0x01, /* (memory 2 1) */
  };
  MODULE_FAILS(memory_limits, "size minimum must not be greater than maximum...");
  static const uint8_t memory_size[] = {
    HEADER, 0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04, /* (memory 65537) */
  };
  MODULE_FAILS(memory_size, "memory size must be at most 65536 pages (4GiB)...");
  static const uint8_t memory_max[] = {
    HEADER, 0x05, 0x06, 0x01, 0x01, 0x00, 0x81, 0x80, 0x04, /* (memory 0 65537) */
  };
  MODULE_FAILS(memory_max, "memory size must be at most 65536 pages (4GiB)...");
  static const uint8_t two_memories[] = {
    HEADER, 0x05, 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, /* (memory 0) (memory 0) */
  };
  MODULE_FAILS(two_memories, "multiple memories...");
  static const uint8_t global_type[] = {
    HEADER, 0x06, 0x06, 0x01, 0x7E, 0x00, 0x41, 0x00, 0x0B, /* (global i64 (i32.const 0)) */
  };
  MODULE_FAILS(global_type, "type mismatch...");
  static const uint8_t global_own[] = {
    HEADER, 0x06, 0x0B, 0x02,
    0x7F, 0x00, 0x41, 0x00, 0x0B,   /* (global i32 (i32.const 0)) */
    0x7F, 0x00, 0x23, 0x00, 0x0B,   /* (global i32 (global.get 0)): not imported */
  };
  MODULE_FAILS(global_own, "unknown global 0...");
  static const uint8_t global_mutable[] = {
    HEADER,
    0x02, 0x08, 0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x01, /* (import "m" "g" (global (mut i32))) */
    0x06, 0x06, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B,           /* (global i32 (global.get 0)) */
  };
  MODULE_FAILS(global_mutable, "constant expression required...");
  static const uint8_t global_func[] = {
    HEADER, 0x06, 0x06, 0x01, 0x70, 0x00, 0xD2, 0x05, 0x0B, /* (global funcref (ref.func 5)) */
  };
  MODULE_FAILS(global_func, "unknown function 5...");
  static const uint8_t elem_table[] = {
    HEADER, 0x09, 0x06, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00, /* (elem (i32.const 0)) without a table */
  };
  MODULE_FAILS(elem_table, "unknown table 0...");
  static const uint8_t elem_offset[] = {
    HEADER,
    0x04, 0x04, 0x01, 0x70, 0x00, 0x01,                 /* (table 1 funcref) */
    0x09, 0x06, 0x01, 0x00, 0x42, 0x00, 0x0B, 0x00,     /* (elem (i64.const 0)) */
  };
  MODULE_FAILS(elem_offset, "type mismatch...");
  static const uint8_t elem_table_type[] = {
    HEADER,
    0x04, 0x04, 0x01, 0x6F, 0x00, 0x01,                 /* (table 1 externref) */
    0x09, 0x06, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00,     /* (elem (i32.const 0) func) */
  };
  MODULE_FAILS(elem_table_type, "type mismatch...");
  static const uint8_t elem_item_type[] = {
    HEADER, 0x09, 0x07, 0x01, 0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B, /* (elem funcref (ref.null extern)) */
  };
  MODULE_FAILS(elem_item_type, "type mismatch...");
  static const uint8_t data_memory[] = {
    HEADER, 0x0B, 0x06, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x00, /* (data (i32.const 0) "") without memory */
  };
  MODULE_FAILS(data_memory, "unknown memory 0...");
  static const uint8_t data_offset[] = {
    HEADER,
    0x05, 0x03, 0x01, 0x00, 0x01,                                   /* (memory 1) */
    0x0B, 0x09, 0x01, 0x00, 0x43, 0x00, 0x00, 0x00, 0x00, 0x0B, 0x00, /* (data (f32.const 0) "") */
  };
  MODULE_FAILS(data_offset, "type mismatch...");
  static const uint8_t start_type[] = {
    HEADER,
    0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,           /* [] -> [i32] */
    0x03, 0x02, 0x01, 0x00,
    0x08, 0x01, 0x00,                                   /* (start 0) */
    0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B,
  };
  MODULE_FAILS(start_type, "start function...");
  static const uint8_t start_unknown[] = {
    HEADER, 0x08, 0x01, 0x00, /* (start 0) without functions */
  };
  MODULE_FAILS(start_unknown, "unknown function 0...");
  static const uint8_t export_dup[] = {
    HEADER,
    0x05, 0x03, 0x01, 0x00, 0x01,                       /* (memory 1) */
    0x07, 0x09, 0x02, 0x01, 'a', 0x02, 0x00, 0x01, 'a', 0x02, 0x00, /* "a" twice */
  };
  MODULE_FAILS(export_dup, "duplicate export name \"a\"");
  static const uint8_t export_unknown[] = {
    HEADER, 0x07, 0x05, 0x01, 0x01, 'g', 0x03, 0x00, /* (export "g" (global 0)) without globals */
  };
  MODULE_FAILS(export_unknown, "unknown global 0...");
  /* names that differ only past a NUL byte are different */
  static const uint8_t export_nul[] = {
    HEADER,
    0x05, 0x03, 0x01, 0x00, 0x01,
    0x07, 0x0B, 0x02, 0x02, 'a', 0x00, 0x02, 0x00, 0x02, 'a', 0x01, 0x02, 0x00,
  };
  GBytes *b = g_bytes_new_static(export_nul, sizeof export_nul);
  module_free(load_ok(b));
  g_bytes_unref(b);
}

/* Mutated modules: whatever the bytes, an answer and no crash or leak
 * (ASan builds make this a real check). */
static void test_hostile_bytes(void)
{
  GBytes *b = load_wasm("valid-families.wasm");
  gsize n;
  const uint8_t *orig = g_bytes_get_data(b, &n);
  uint8_t *bytes = g_memdup2(orig, n);
  GRand *rand = g_rand_new_with_seed(1234);
  guint validated = 0;
  for (int round = 0; round < 3000; round++) {
    memcpy(bytes, orig, n);
    int flips = g_rand_int_range(rand, 1, 4);
    for (int i = 0; i < flips; i++)
      bytes[g_rand_int_range(rand, 8, (gint32)n)] = (uint8_t)g_rand_int(rand);
    char error[256] = "";
    Module *m = decode_module(bytes, n, error, sizeof error);
    if (m) {
      if (validate_module(m, error, sizeof error))
        validated++;
      else
        g_assert_cmpstr(error, !=, "");
      module_free(m);
    }
  }
  g_assert_cmpuint(validated, >, 0);
  g_rand_free(rand);
  g_free(bytes);
  g_bytes_unref(b);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/validator/valid/families", test_valid_families);
  g_test_add_func("/validator/valid/control", test_valid_control);
  g_test_add_func("/validator/valid/multi-value", test_multi_value);
  g_test_add_func("/validator/side-table/if", test_side_table_if);
  g_test_add_func("/validator/side-table/unreachable", test_side_table_unreachable);
  g_test_add_func("/validator/side-table/heights", test_side_table_heights);
  g_test_add_func("/validator/large-functions", test_large_functions);
  g_test_add_func("/validator/invalid/type-mismatch", test_type_mismatch);
  g_test_add_func("/validator/invalid/unknown-indices", test_unknown_indices);
  g_test_add_func("/validator/invalid/other-rules", test_other_rules);
  g_test_add_func("/validator/malformed/code", test_malformed);
  g_test_add_func("/validator/malformed/first", test_malformed_first);
  g_test_add_func("/validator/module/rules", test_module_rules);
  g_test_add_func("/validator/hostile-bytes", test_hostile_bytes);
  return g_test_run();
}
