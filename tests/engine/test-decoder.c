/*
 * test-decoder.c -- the binary decoder: what a valid module decodes to, and
 * the message (spec wording, then "at offset 0x..") for each kind of
 * malformed module.  Modules are either .wat files built by the test build
 * (decode-*.wat) or byte arrays written here with their meaning beside them.
 * Run under ASan, the error-path tests also check that nothing leaks.
 */
#include <glib.h>
#include <string.h>

#include "common/opcodes.h"
#include "decode/decoder.h"

#define HEADER 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00 /* "\0asm", version 1 */

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

static Module *decode_ok(const uint8_t *bytes, size_t size)
{
  char error[256] = "";
  Module *m = decode_module(bytes, size, error, sizeof error);
  if (!m)
    g_error("decoding failed: %s", error);
  return m;
}

/* Decoding must fail with exactly `expected` (message and offset). */
static void expect_error(const char *what, const uint8_t *bytes, size_t size, const char *expected)
{
  char error[256] = "";
  Module *m = decode_module(bytes, size, error, sizeof error);
  if (m)
    g_error("%s: decoded, expected \"%s\"", what, expected);
  if (strcmp(error, expected) != 0)
    g_error("%s: \"%s\", expected \"%s\"", what, error, expected);
}

#define EXPECT_ERROR(array, expected) expect_error(#array, array, sizeof array, expected)

static bool func_declared(const Module *m, uint32_t f)
{
  return (m->declared_funcs[f / 8] >> (f % 8)) & 1;
}

/* ---- valid modules --------------------------------------------------- */

static void test_sections(void)
{
  GBytes *b = load_wasm("decode-sections.wasm");
  gsize size;
  const uint8_t *bytes = g_bytes_get_data(b, &size);
  Module *m = decode_ok(bytes, size);

  /* the module owns a copy */
  g_assert_true(m->bytes != bytes);
  g_assert_cmpuint(m->size, ==, size);

  g_assert_cmpuint(m->num_types, ==, 2);
  g_assert_cmpuint(m->types[0].num_params, ==, 0);
  g_assert_cmpuint(m->types[0].num_results, ==, 0);
  g_assert_cmpuint(m->types[1].num_params, ==, 2);
  g_assert_cmpuint(m->types[1].num_results, ==, 1);
  g_assert_cmpmem(m->types[1].types, 3, ((uint8_t[]){VAL_I32, VAL_I32, VAL_I32}), 3);

  /* one import of each kind */
  g_assert_cmpuint(m->num_imports, ==, 4);
  g_assert_cmpstr(m->imports[0].module_name, ==, "env");
  g_assert_cmpstr(m->imports[0].field_name, ==, "add");
  g_assert_cmpuint(m->imports[0].kind, ==, EXTERN_FUNC);
  g_assert_cmpuint(m->imports[0].u.type_index, ==, 1);
  g_assert_cmpuint(m->imports[1].kind, ==, EXTERN_TABLE);
  g_assert_cmpuint(m->imports[1].u.table.elem_type, ==, VAL_FUNCREF);
  g_assert_cmpuint(m->imports[1].u.table.limits.min, ==, 2);
  g_assert_false(m->imports[1].u.table.limits.has_max);
  g_assert_cmpuint(m->imports[2].kind, ==, EXTERN_MEMORY);
  g_assert_cmpuint(m->imports[2].u.memory.min, ==, 1);
  g_assert_true(m->imports[2].u.memory.has_max);
  g_assert_cmpuint(m->imports[2].u.memory.max, ==, 3);
  g_assert_cmpuint(m->imports[3].kind, ==, EXTERN_GLOBAL);
  g_assert_cmpuint(m->imports[3].u.global.type, ==, VAL_I32);
  g_assert_false(m->imports[3].u.global.mutable_);
  g_assert_cmpuint(m->imports[3].field_name_len, ==, 1);

  /* index spaces: imports first */
  g_assert_cmpuint(m->num_funcs, ==, 7);
  g_assert_cmpuint(m->num_imported_funcs, ==, 1);
  g_assert_cmpuint(m->func_type_index[0], ==, 1);
  g_assert_cmpuint(m->func_type_index[2], ==, 1);
  g_assert_true(module_func_type(m, 1) == &m->types[0]);
  g_assert_cmpuint(m->num_tables, ==, 3);
  g_assert_cmpuint(m->num_imported_tables, ==, 1);
  g_assert_cmpuint(m->tables[1].elem_type, ==, VAL_EXTERNREF);
  g_assert_cmpuint(m->tables[1].limits.min, ==, 4);
  g_assert_cmpuint(m->tables[1].limits.max, ==, 8);
  g_assert_cmpuint(m->tables[2].elem_type, ==, VAL_FUNCREF);
  g_assert_cmpuint(m->num_memories, ==, 1);
  g_assert_cmpuint(m->num_imported_memories, ==, 1);
  g_assert_cmpuint(m->memories[0].max, ==, 3);

  /* globals and each form of initialiser */
  g_assert_cmpuint(m->num_globals, ==, 8);
  g_assert_cmpuint(m->num_imported_globals, ==, 1);
  g_assert_true(m->global_types[1].mutable_);
  g_assert_cmpuint(m->global_types[1].type, ==, VAL_I32);
  g_assert_cmpuint(m->global_inits[0].opcode, ==, OP_I32_CONST);
  g_assert_cmpint(m->global_inits[0].u.value.i32, ==, -7);
  g_assert_cmpuint(m->global_inits[1].opcode, ==, OP_I64_CONST);
  g_assert_cmpint(m->global_inits[1].u.value.i64, ==, 0x123456789);
  g_assert_cmpuint(m->global_inits[2].opcode, ==, OP_F32_CONST);
  g_assert_cmphex(m->global_inits[2].u.value.u32, ==, 0x3FC00000); /* 1.5 */
  g_assert_cmpuint(m->global_inits[3].opcode, ==, OP_F64_CONST);
  g_assert_cmphex(m->global_inits[3].u.value.u64, ==, 0xC002000000000000); /* -2.25 */
  g_assert_cmpuint(m->global_inits[4].opcode, ==, OP_REF_NULL);
  g_assert_cmpuint(m->global_inits[4].u.ref_type, ==, VAL_EXTERNREF);
  g_assert_cmpuint(m->global_inits[6].opcode, ==, OP_GLOBAL_GET);
  g_assert_cmpuint(m->global_inits[6].u.index, ==, 0);

  /* functions: locals after the parameters, code after the declarations */
  const FuncDef *sum = &m->funcs[1];
  g_assert_cmpuint(sum->type_index, ==, 1);
  g_assert_cmpuint(sum->num_locals, ==, 3);
  g_assert_cmpmem(sum->local_types, 5, ((uint8_t[]){VAL_I32, VAL_I32, VAL_I64, VAL_I64, VAL_F32}), 5);
  g_assert_cmpuint(sum->body[0], ==, OP_LOCAL_GET);
  g_assert_cmpuint(sum->end[-1], ==, OP_END);
  g_assert_cmpuint(sum->body_offset, ==, sum->body - m->bytes);
  g_assert_true(sum->body >= m->bytes && sum->end <= m->bytes + m->size);

  /* exports of each kind */
  g_assert_cmpuint(m->num_exports, ==, 4);
  g_assert_cmpint(module_find_export(m, "sum", EXTERN_FUNC), ==, 0);
  g_assert_cmpint(module_find_export(m, "sum", EXTERN_GLOBAL), ==, -1);
  g_assert_cmpint(module_find_export(m, "table", EXTERN_TABLE), ==, 1);
  g_assert_cmpint(module_find_export(m, "memory", EXTERN_MEMORY), ==, 2);
  g_assert_cmpint(module_find_export(m, "g", EXTERN_GLOBAL), ==, 3);
  g_assert_cmpuint(m->exports[0].index, ==, 2);
  g_assert_cmpuint(m->exports[3].index, ==, 1);

  g_assert_true(m->has_start);
  g_assert_cmpuint(m->start_func, ==, 1);

  /* the element segments, in the order of the .wat */
  g_assert_cmpuint(m->num_elems, ==, 8);
  const ElemSegment *e = m->elems;
  g_assert_cmpuint(e[0].mode, ==, SEGMENT_ACTIVE);
  g_assert_cmpuint(e[0].table_index, ==, 0);
  g_assert_cmpuint(e[0].offset.opcode, ==, OP_I32_CONST);
  g_assert_cmpuint(e[0].num_items, ==, 2);
  g_assert_cmpuint(e[0].items[0].opcode, ==, OP_REF_FUNC);
  g_assert_cmpuint(e[0].items[0].u.index, ==, 3);
  g_assert_cmpuint(e[0].items[1].u.index, ==, 2);
  g_assert_cmpuint(e[1].mode, ==, SEGMENT_PASSIVE);
  g_assert_cmpuint(e[1].elem_type, ==, VAL_FUNCREF);
  g_assert_cmpuint(e[2].mode, ==, SEGMENT_ACTIVE);
  g_assert_cmpuint(e[2].table_index, ==, 2);
  g_assert_cmpint(e[2].offset.u.value.i32, ==, 1);
  g_assert_cmpuint(e[3].mode, ==, SEGMENT_DECLARATIVE);
  g_assert_cmpuint(e[3].items[0].u.index, ==, 4);
  g_assert_cmpuint(e[4].mode, ==, SEGMENT_ACTIVE);
  g_assert_cmpuint(e[4].items[0].opcode, ==, OP_REF_NULL);
  g_assert_cmpuint(e[5].mode, ==, SEGMENT_PASSIVE);
  g_assert_cmpuint(e[5].num_items, ==, 2);
  g_assert_cmpuint(e[5].items[1].opcode, ==, OP_REF_FUNC);
  g_assert_cmpuint(e[5].items[1].u.index, ==, 1);
  g_assert_cmpuint(e[6].mode, ==, SEGMENT_ACTIVE);
  g_assert_cmpuint(e[6].table_index, ==, 1);
  g_assert_cmpuint(e[6].elem_type, ==, VAL_EXTERNREF);
  g_assert_cmpuint(e[6].items[0].u.ref_type, ==, VAL_EXTERNREF);
  g_assert_cmpuint(e[7].mode, ==, SEGMENT_DECLARATIVE);

  /* data count and segments */
  g_assert_true(m->has_data_count);
  g_assert_cmpuint(m->data_count, ==, 3);
  g_assert_cmpuint(m->num_datas, ==, 3);
  g_assert_cmpuint(m->datas[0].mode, ==, SEGMENT_ACTIVE);
  g_assert_cmpint(m->datas[0].offset.u.value.i32, ==, 16);
  g_assert_cmpmem(m->datas[0].bytes, m->datas[0].size, "hello", 5);
  g_assert_cmpuint(m->datas[1].mode, ==, SEGMENT_PASSIVE);
  g_assert_cmpmem(m->datas[1].bytes, m->datas[1].size, "passive", 7);
  g_assert_cmpuint(m->datas[2].memory_index, ==, 0);
  g_assert_cmpmem(m->datas[2].bytes, m->datas[2].size, "\1\2\3", 3);

  /* ref.func may name exactly the functions used by exports and elements */
  g_assert_false(func_declared(m, 0));
  for (uint32_t f = 1; f <= 4; f++)
    g_assert_true(func_declared(m, f));
  g_assert_false(func_declared(m, 5));
  g_assert_false(func_declared(m, 6));

  g_assert_null(m->module_name);
  g_assert_null(m->func_names);
  module_free(m);
  g_bytes_unref(b);
}

static void test_empty_module(void)
{
  static const uint8_t bytes[] = {HEADER};
  Module *m = decode_ok(bytes, sizeof bytes);
  g_assert_cmpuint(m->num_types + m->num_funcs + m->num_tables + m->num_memories + m->num_globals, ==, 0);
  g_assert_false(m->has_start);
  g_assert_false(m->has_data_count);
  g_assert_nonnull(m->declared_funcs);
  module_free(m);
  module_free(NULL);
}

static const uint8_t named_module[] = {
  HEADER,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             /* type 0: [] -> [] */
  0x03, 0x03, 0x02, 0x00, 0x00,                   /* two functions of type 0 */
  0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B, /* two empty bodies */
  0x00, 0x13, 0x04, 'n', 'a', 'm', 'e',           /* custom section "name" */
  0x00, 0x02, 0x01, 'm',                          /*   module name "m" */
  0x01, 0x08, 0x02,                               /*   function names, 2 entries */
  0x00, 0x01, 'a',                                /*     0 "a" */
  0x01, 0x02, 'b', 'b',                           /*     1 "bb" */
  0x00, 0x06, 0x02, 'h', 'i', 'x', 'y', 'z',      /* custom section "hi", payload "xyz" */
};

static void test_names(void)
{
  Module *m = decode_ok(named_module, sizeof named_module);
  g_assert_cmpstr(m->module_name, ==, "m");
  g_assert_nonnull(m->func_names);
  g_assert_cmpstr(m->func_names[0], ==, "a");
  g_assert_cmpstr(m->func_names[1], ==, "bb");

  /* every custom section is kept */
  g_assert_cmpuint(m->num_customs, ==, 2);
  g_assert_cmpstr(m->customs[0].name, ==, "name");
  g_assert_cmpuint(m->customs[0].size, ==, 14);
  g_assert_cmpstr(m->customs[1].name, ==, "hi");
  g_assert_cmpmem(m->customs[1].data, m->customs[1].size, "xyz", 3);
  module_free(m);
}

/* An ill-formed name section is ignored, never an error. */
static void test_bad_names_ignored(void)
{
  uint8_t bytes[sizeof named_module];
  memcpy(bytes, named_module, sizeof bytes);
  size_t second_index = 8 + 6 + 5 + 9 + 7 + 4 + 3 + 3; /* the "1" of `1 "bb"` */
  g_assert_cmpuint(bytes[second_index], ==, 0x01);

  bytes[second_index] = 0x05; /* no function 5 */
  Module *m = decode_ok(bytes, sizeof bytes);
  g_assert_null(m->module_name);
  g_assert_null(m->func_names);
  g_assert_cmpuint(m->num_customs, ==, 2);
  module_free(m);

  bytes[second_index] = 0x00; /* indices out of order */
  m = decode_ok(bytes, sizeof bytes);
  g_assert_null(m->func_names);
  module_free(m);

  bytes[second_index] = 0x01;
  bytes[second_index + 2] = 0xFF; /* not UTF-8 */
  m = decode_ok(bytes, sizeof bytes);
  g_assert_null(m->func_names);
  module_free(m);
}

static void test_const_exprs(void)
{
  /* ref.func in a global initialiser declares the function */
  static const uint8_t global_ref_func[] = {
    HEADER,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00,             /* type 0: [] -> [] */
    0x03, 0x03, 0x02, 0x00, 0x00,                   /* functions 0 and 1 */
    0x06, 0x06, 0x01, 0x70, 0x00, 0xD2, 0x01, 0x0B, /* global funcref (ref.func 1) */
    0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B,
  };
  Module *m = decode_ok(global_ref_func, sizeof global_ref_func);
  g_assert_cmpuint(m->global_inits[0].opcode, ==, OP_REF_FUNC);
  g_assert_cmpuint(m->global_inits[0].u.index, ==, 1);
  g_assert_false(func_declared(m, 0));
  g_assert_true(func_declared(m, 1));
  module_free(m);

  /* a data segment with an explicit memory index (flags 2) */
  static const uint8_t data_flags_2[] = {
    HEADER,
    0x05, 0x03, 0x01, 0x00, 0x01,                               /* memory 1 */
    0x0B, 0x08, 0x01, 0x02, 0x00, 0x41, 0x07, 0x0B, 0x01, 'x', /* memory 0, offset 7, "x" */
  };
  m = decode_ok(data_flags_2, sizeof data_flags_2);
  g_assert_cmpuint(m->datas[0].mode, ==, SEGMENT_ACTIVE);
  g_assert_cmpint(m->datas[0].offset.u.value.i32, ==, 7);
  g_assert_cmpmem(m->datas[0].bytes, m->datas[0].size, "x", 1);
  module_free(m);

  static const uint8_t non_const[] = {HEADER, 0x06, 0x05, 0x01, 0x7F, 0x00, 0x01, 0x0B}; /* nop */
  EXPECT_ERROR(non_const, "constant expression required at offset 0xd");
  static const uint8_t add[] = {HEADER, 0x06, 0x09, 0x01, 0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B};
  EXPECT_ERROR(add, "constant expression required at offset 0x11");
  static const uint8_t empty[] = {HEADER, 0x06, 0x04, 0x01, 0x7F, 0x00, 0x0B};
  EXPECT_ERROR(empty, "type mismatch at offset 0xd");
  static const uint8_t two[] = {HEADER, 0x06, 0x08, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x41, 0x00, 0x0B};
  EXPECT_ERROR(two, "type mismatch at offset 0xd");
  static const uint8_t illegal[] = {HEADER, 0x06, 0x05, 0x01, 0x7F, 0x00, 0x06, 0x0B}; /* 0x06: no such opcode */
  EXPECT_ERROR(illegal, "illegal opcode at offset 0xd");
  static const uint8_t bad_null[] = {HEADER, 0x06, 0x06, 0x01, 0x70, 0x00, 0xD0, 0x7F, 0x0B}; /* ref.null i32 */
  EXPECT_ERROR(bad_null, "malformed reference type at offset 0xe");
}

/* ---- malformed modules ------------------------------------------------ */

static void test_header(void)
{
  expect_error("empty", NULL, 0, "unexpected end at offset 0x0");
  static const uint8_t short_magic[] = {0x00, 0x61, 0x73};
  EXPECT_ERROR(short_magic, "unexpected end at offset 0x3");
  static const uint8_t bad_magic[] = {0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00}; /* "\0ASM" */
  EXPECT_ERROR(bad_magic, "magic header not detected at offset 0x0");
  static const uint8_t short_version[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00};
  EXPECT_ERROR(short_version, "unexpected end at offset 0x7");
  static const uint8_t version_2[] = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
  EXPECT_ERROR(version_2, "unknown binary version at offset 0x4");
}

static void test_section_framing(void)
{
  static const uint8_t bad_id[] = {HEADER, 0x0D, 0x00};
  EXPECT_ERROR(bad_id, "malformed section id at offset 0x8");
  static const uint8_t twice[] = {HEADER, 0x01, 0x01, 0x00, 0x01, 0x01, 0x00};
  EXPECT_ERROR(twice, "unexpected content after last section at offset 0xb");
  static const uint8_t out_of_order[] = {HEADER, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00};
  EXPECT_ERROR(out_of_order, "unexpected content after last section at offset 0xb");
  static const uint8_t data_count_after_code[] = {HEADER, 0x0A, 0x01, 0x00, 0x0C, 0x01, 0x00};
  EXPECT_ERROR(data_count_after_code, "unexpected content after last section at offset 0xb");
  /* custom sections go anywhere, and the data count before code is fine */
  static const uint8_t customs_between[] = {
    HEADER, 0x00, 0x02, 0x01, 'a', 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x0C, 0x01, 0x00, 0x0A, 0x01, 0x00, 0x00, 0x01, 0x00,
  };
  Module *m = decode_ok(customs_between, sizeof customs_between);
  g_assert_cmpuint(m->num_customs, ==, 3);
  module_free(m);

  static const uint8_t too_big[] = {HEADER, 0x01, 0x02, 0x00, 0x00}; /* one byte left over */
  EXPECT_ERROR(too_big, "section size mismatch at offset 0xb");
  static const uint8_t past_end[] = {HEADER, 0x01, 0x05, 0x00};
  EXPECT_ERROR(past_end, "length out of bounds at offset 0x9");
  static const uint8_t cut[] = {HEADER, 0x01, 0x01, 0x01}; /* one type, no bytes for it */
  EXPECT_ERROR(cut, "unexpected end of section or function at offset 0xb");
  static const uint8_t no_size[] = {HEADER, 0x01};
  EXPECT_ERROR(no_size, "unexpected end at offset 0x9");
  /* a count no section could hold fails without allocating for it */
  static const uint8_t huge_count[] = {HEADER, 0x01, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  EXPECT_ERROR(huge_count, "unexpected end of section or function at offset 0xf");
  static const uint8_t custom_name_past_end[] = {HEADER, 0x00, 0x02, 0x05, 'a'};
  EXPECT_ERROR(custom_name_past_end, "length out of bounds at offset 0xa");
}

static void test_leb128(void)
{
  static const uint8_t too_long[] = {HEADER, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  EXPECT_ERROR(too_long, "integer representation too long at offset 0x9");
  static const uint8_t too_large[] = {HEADER, 0x01, 0x80, 0x80, 0x80, 0x80, 0x10};
  EXPECT_ERROR(too_large, "integer too large at offset 0x9");
  /* padded but within five bytes is fine */
  static const uint8_t padded[] = {HEADER, 0x01, 0x81, 0x80, 0x80, 0x80, 0x00, 0x00};
  Module *m = decode_ok(padded, sizeof padded);
  module_free(m);
  /* an i32.const whose unused bits are not the sign's */
  static const uint8_t s32_large[] = {HEADER, 0x06, 0x09, 0x01, 0x7F, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x0B};
  EXPECT_ERROR(s32_large, "integer too large at offset 0xe");
  /* an integer cut by the end of its section but continuing in the next
   * bytes is judged on those bytes, as the spec's decoder does */
  static const uint8_t across_section[] = {HEADER, 0x03, 0x02, 0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  EXPECT_ERROR(across_section, "integer representation too long at offset 0xb");
}

static void test_utf8(void)
{
  /* custom sections whose two-to-four-byte names are not well-formed UTF-8 */
  static const uint8_t bad[][4] = {
    {0xC0, 0x80},             /* overlong NUL */
    {0xE0, 0x80, 0x80},       /* overlong */
    {0xED, 0xA0, 0x80},       /* surrogate U+D800 */
    {0xF4, 0x90, 0x80, 0x80}, /* above U+10FFFF */
    {0xE2, 0x82},             /* cut short */
    {0x80, 0x80},             /* continuation first */
    {0xF8, 0x80, 0x80, 0x80}, /* five-byte lead */
    {0xC2, 0x41},             /* bad continuation */
  };
  static const uint8_t bad_len[] = {2, 3, 3, 4, 2, 2, 4, 2};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    uint8_t bytes[16] = {HEADER, 0x00, (uint8_t)(bad_len[i] + 1), bad_len[i]};
    memcpy(bytes + 11, bad[i], bad_len[i]);
    expect_error("bad UTF-8", bytes, 11 + bad_len[i], "malformed UTF-8 encoding at offset 0xb");
  }

  static const uint8_t good[] = {
    HEADER, 0x00, 0x0A, 0x09, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xC3, 0xA9, /* "€😀é" */
  };
  Module *m = decode_ok(good, sizeof good);
  g_assert_cmpstr(m->customs[0].name, ==, "€😀é");
  module_free(m);

  /* import names are checked too */
  static const uint8_t import_name[] = {HEADER, 0x02, 0x07, 0x01, 0x01, 0xFF, 0x01, 0x61, 0x00, 0x00};
  EXPECT_ERROR(import_name, "malformed UTF-8 encoding at offset 0xc");
}

static void test_types(void)
{
  static const uint8_t valtype[] = {HEADER, 0x01, 0x05, 0x01, 0x60, 0x01, 0x7A, 0x00};
  EXPECT_ERROR(valtype, "malformed value type at offset 0xd");
  static const uint8_t form[] = {HEADER, 0x01, 0x04, 0x01, 0x61, 0x00, 0x00};
  EXPECT_ERROR(form, "malformed function type at offset 0xb");
  static const uint8_t form_leb[] = {HEADER, 0x01, 0x05, 0x01, 0xE0, 0x7F, 0x00, 0x00}; /* 0x60 padded */
  EXPECT_ERROR(form_leb, "integer representation too long at offset 0xb");
  static const uint8_t reftype[] = {HEADER, 0x04, 0x04, 0x01, 0x7F, 0x00, 0x00};
  EXPECT_ERROR(reftype, "malformed reference type at offset 0xb");
  static const uint8_t limits_flag[] = {HEADER, 0x05, 0x03, 0x01, 0x02, 0x00};
  EXPECT_ERROR(limits_flag, "integer too large at offset 0xb");
  static const uint8_t limits_leb[] = {HEADER, 0x05, 0x04, 0x01, 0x81, 0x00, 0x00};
  EXPECT_ERROR(limits_leb, "integer representation too long at offset 0xb");
  static const uint8_t mutability[] = {HEADER, 0x06, 0x06, 0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B};
  EXPECT_ERROR(mutability, "malformed mutability at offset 0xc");
  static const uint8_t import_kind[] = {HEADER, 0x02, 0x05, 0x01, 0x00, 0x00, 0x04, 0x00};
  EXPECT_ERROR(import_kind, "malformed import kind at offset 0xd");
  static const uint8_t export_kind[] = {HEADER, 0x07, 0x04, 0x01, 0x00, 0x04, 0x00};
  EXPECT_ERROR(export_kind, "malformed export kind at offset 0xc");
  static const uint8_t unknown_type[] = {HEADER, 0x03, 0x02, 0x01, 0x00}; /* no type section */
  EXPECT_ERROR(unknown_type, "unknown type 0 at offset 0xb");
}

#define TYPE_AND_FUNC 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00

static void test_code(void)
{
  static const uint8_t no_code[] = {HEADER, TYPE_AND_FUNC};
  EXPECT_ERROR(no_code, "function and code section have inconsistent lengths at offset 0x12");
  static const uint8_t two_bodies[] = {HEADER, TYPE_AND_FUNC, 0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B};
  EXPECT_ERROR(two_bodies, "function and code section have inconsistent lengths at offset 0x14");
  static const uint8_t code_only[] = {HEADER, 0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B};
  EXPECT_ERROR(code_only, "function and code section have inconsistent lengths at offset 0xa");

  /* 65535 i32 locals */
  static const uint8_t too_many[] = {HEADER, TYPE_AND_FUNC, 0x0A, 0x08, 0x01, 0x06, 0x01, 0xFF, 0xFF, 0x03, 0x7F, 0x0B};
  EXPECT_ERROR(too_many, "too many locals at offset 0x17");
  /* 2^32 - 1 in one group, then more: the sum must not wrap */
  static const uint8_t wrap[] = {
    HEADER, TYPE_AND_FUNC, 0x0A, 0x0C, 0x01, 0x0A, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E, 0x0B,
  };
  EXPECT_ERROR(wrap, "too many locals at offset 0x17");
  /* exactly MAX_FUNCTION_LOCALS (50000) is allowed */
  static const uint8_t at_limit[] = {HEADER, TYPE_AND_FUNC, 0x0A, 0x08, 0x01, 0x06, 0x01, 0xD0, 0x86, 0x03, 0x7C, 0x0B};
  Module *m = decode_ok(at_limit, sizeof at_limit);
  g_assert_cmpuint(m->funcs[0].num_locals, ==, MAX_FUNCTION_LOCALS);
  g_assert_cmpuint(m->funcs[0].local_types[MAX_FUNCTION_LOCALS - 1], ==, VAL_F64);
  g_assert_true(m->funcs[0].body == m->funcs[0].end - 1);
  module_free(m);

  /* a body without its final `end`: at the end of the module ... */
  static const uint8_t no_end[] = {HEADER, TYPE_AND_FUNC, 0x0A, 0x05, 0x01, 0x03, 0x00, 0x41, 0x00};
  EXPECT_ERROR(no_end, "unexpected end of section or function at offset 0x19");
  /* ... and followed by more bytes: the spec's decoder reads them as code */
  static const uint8_t no_end_then_data[] = {HEADER, TYPE_AND_FUNC, 0x0A, 0x05, 0x01, 0x03, 0x00, 0x41, 0x00, 0x0B, 0x01, 0x00};
  EXPECT_ERROR(no_end_then_data, "section size mismatch at offset 0x19");
  static const uint8_t body_past_section[] = {HEADER, TYPE_AND_FUNC, 0x0A, 0x04, 0x01, 0x05, 0x00, 0x0B};
  EXPECT_ERROR(body_past_section, "length out of bounds at offset 0x15");
}

static void test_segments(void)
{
  static const uint8_t data_count_more[] = {HEADER, 0x0C, 0x01, 0x02, 0x0B, 0x01, 0x00};
  EXPECT_ERROR(data_count_more, "data count and data section have inconsistent lengths at offset 0xd");
  static const uint8_t data_count_alone[] = {HEADER, 0x0C, 0x01, 0x01};
  EXPECT_ERROR(data_count_alone, "data count and data section have inconsistent lengths at offset 0xb");
  static const uint8_t data_count_zero[] = {HEADER, 0x0C, 0x01, 0x00};
  Module *m = decode_ok(data_count_zero, sizeof data_count_zero);
  g_assert_true(m->has_data_count);
  module_free(m);

  static const uint8_t elem_kind[] = {HEADER, 0x09, 0x04, 0x01, 0x01, 0x01, 0x00};
  EXPECT_ERROR(elem_kind, "malformed element kind at offset 0xc");
  static const uint8_t elem_flags[] = {HEADER, 0x09, 0x03, 0x01, 0x08, 0x00};
  EXPECT_ERROR(elem_flags, "malformed elements segment kind at offset 0xb");
  static const uint8_t elem_reftype[] = {HEADER, 0x09, 0x07, 0x01, 0x05, 0x7F, 0x01, 0xD2, 0x00, 0x0B}; /* passive i32 */
  EXPECT_ERROR(elem_reftype, "malformed reference type at offset 0xc");
  static const uint8_t data_flags[] = {HEADER, 0x0B, 0x03, 0x01, 0x03, 0x00};
  EXPECT_ERROR(data_flags, "malformed data segment kind at offset 0xb");
  static const uint8_t data_past_end[] = {HEADER, 0x0B, 0x04, 0x01, 0x01, 0x05, 'a'};
  EXPECT_ERROR(data_past_end, "unexpected end of section or function at offset 0xe");
}

/* Every truncation and many corruptions of a rich module: each either
 * decodes or fails with a located message; never a crash or (under ASan)
 * a leak, whatever was half-built when decoding stopped. */
static void test_damaged_modules(void)
{
  GBytes *b = load_wasm("decode-sections.wasm");
  gsize size;
  const uint8_t *bytes = g_bytes_get_data(b, &size);
  char error[256];
  uint32_t failed = 0;
  for (gsize len = 0; len < size; len++) {
    error[0] = '\0';
    Module *m = decode_module(bytes, len, error, sizeof error);
    if (!m) {
      failed++;
      g_assert_nonnull(strstr(error, " at offset 0x"));
    }
    module_free(m);
  }
  /* only the prefixes that end where a section ends can be whole modules */
  g_assert_cmpuint(failed, >, size - 12);

  uint8_t *copy = g_memdup2(bytes, size);
  GRand *rand = g_rand_new_with_seed(42);
  for (int i = 0; i < 5000; i++) {
    memcpy(copy, bytes, size);
    for (int k = g_rand_int_range(rand, 1, 4); k > 0; k--)
      copy[g_rand_int_range(rand, 8, (gint32)size)] = (uint8_t)g_rand_int(rand);
    Module *m = decode_module(copy, size, error, sizeof error);
    module_free(m);
  }
  g_rand_free(rand);
  g_free(copy);
  g_bytes_unref(b);
}

static void test_module_helpers(void)
{
  /* export names may hold NUL bytes: "" and "\0a" are different names */
  static const uint8_t bytes[] = {
    HEADER,
    0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
    0x07, 0x09, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 'a', 0x00, 0x00, /* "" and "\0a" */
    0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
  };
  Module *m = decode_ok(bytes, sizeof bytes);
  g_assert_cmpuint(m->exports[1].name_len, ==, 2);
  g_assert_cmpint(module_find_export(m, "", EXTERN_FUNC), ==, 0);
  g_assert_cmpint(module_find_export_len(m, "\0a", 2, EXTERN_FUNC), ==, 1);
  g_assert_cmpint(module_find_export_len(m, "\0b", 2, EXTERN_FUNC), ==, -1);
  module_free(m);

  uint8_t t1[] = {VAL_I32, VAL_I64, VAL_F32}, t2[] = {VAL_I32, VAL_I64, VAL_F32}, t3[] = {VAL_I32, VAL_I64, VAL_F64};
  FuncType a = {2, 1, t1, NULL}, b = {2, 1, t2, NULL}, c = {2, 1, t3, NULL}, d = {1, 2, t2, NULL};
  g_assert_true(functype_equal(&a, &b));
  g_assert_false(functype_equal(&a, &c));
  g_assert_false(functype_equal(&a, &d));

  g_assert_cmpstr(valtype_name(VAL_I32), ==, "i32");
  g_assert_cmpstr(valtype_name(VAL_FUNCREF), ==, "funcref");
  g_assert_cmpstr(valtype_name(VAL_EXTERNREF), ==, "externref");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/decoder/valid/sections", test_sections);
  g_test_add_func("/decoder/valid/empty", test_empty_module);
  g_test_add_func("/decoder/valid/names", test_names);
  g_test_add_func("/decoder/valid/bad-names-ignored", test_bad_names_ignored);
  g_test_add_func("/decoder/const-expr", test_const_exprs);
  g_test_add_func("/decoder/malformed/header", test_header);
  g_test_add_func("/decoder/malformed/section-framing", test_section_framing);
  g_test_add_func("/decoder/malformed/leb128", test_leb128);
  g_test_add_func("/decoder/malformed/utf8", test_utf8);
  g_test_add_func("/decoder/malformed/types", test_types);
  g_test_add_func("/decoder/malformed/code", test_code);
  g_test_add_func("/decoder/malformed/segments", test_segments);
  g_test_add_func("/decoder/damaged", test_damaged_modules);
  g_test_add_func("/decoder/module-helpers", test_module_helpers);
  return g_test_run();
}
