/* test-text.c -- the text format: our own inputs against hand-checked bytes,
 * and bad inputs against the spec's words at exact line:column positions. */
#include <glib.h>
#include <string.h>

#include "decode/decoder.h"
#include "validate/validator.h"
#include "text/text.h"
#include "text/wast.h"

#define HEADER 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

static uint8_t *parse_ok(const char *src, size_t *size)
{
  char error[256];
  uint8_t *bytes = wat_to_binary(src, strlen(src), size, error, sizeof error);
  if (!bytes)
    g_error("parse of %s failed: %s", src, error);
  return bytes;
}

static void check_bytes(const char *src, const uint8_t *expected, size_t expected_size)
{
  size_t size;
  uint8_t *bytes = parse_ok(src, &size);
  g_assert_cmpmem(bytes, size, expected, expected_size);
  free(bytes);
}

#define CHECK_BYTES(src, ...)                                                                                          \
  do {                                                                                                                 \
    static const uint8_t expected_[] = {HEADER, __VA_ARGS__};                                                          \
    check_bytes(src, expected_, sizeof expected_);                                                                     \
  } while (0)

/* The error must be exactly "LINE:COL: " followed by a message that starts
 * with `words`. */
static void check_error(const char *src, const char *position, const char *words)
{
  char error[256];
  size_t size;
  uint8_t *bytes = wat_to_binary(src, strlen(src), &size, error, sizeof error);
  if (bytes)
    g_error("%.60s was accepted", src);
  g_autofree char *prefix = g_strdup_printf("%s: %s", position, words);
  if (!g_str_has_prefix(error, prefix))
    g_error("%.60s: got \"%s\", want \"%s...\"", src, error, prefix);
}

/* A type section with one [] -> [] type, a function section with one
 * function of it, and its code section, around a body. */
#define VOID_FUNC(body_size, ...)                                                                                      \
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x0A, (body_size) + 2, 0x01, (body_size), __VA_ARGS__

static void test_empty(void)
{
  CHECK_BYTES("(module)");
  CHECK_BYTES("");
  CHECK_BYTES("(module $m)");
  CHECK_BYTES(";; line\n(; block (; nested ;) ;) (module)");
}

static void test_function(void)
{
  CHECK_BYTES("(module (func (result i32) i32.const 42))",
              0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, /* type */
              0x03, 0x02, 0x01, 0x00,                   /* func */
              0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2A, 0x0B);
  /* named params and locals, run-length local groups, folded operands */
  CHECK_BYTES("(func (param $a i32) (param $b i32) (result i32) (local $x i64) (local f32 f32)"
              "  (i32.add (local.get $a) (local.get $b)))",
              0x01, 0x07, 0x01, 0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7F,
              0x03, 0x02, 0x01, 0x00,
              0x0A, 0x0D, 0x01, 0x0B, 0x02, 0x01, 0x7E, 0x02, 0x7D,
              0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B);
}

static void test_implicit_types(void)
{
  /* an explicit type defined later is reused; new signatures are appended
   * after all explicit types, in the order they are used */
  CHECK_BYTES("(func (param i64)) (func (param i32)) (type $t (func (param i32)))",
              0x01, 0x09, 0x02, 0x60, 0x01, 0x7F, 0x00, 0x60, 0x01, 0x7E, 0x00,
              0x03, 0x03, 0x02, 0x01, 0x00,
              0x0A, 0x07, 0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B);
  /* a multi-value block type becomes a type index */
  CHECK_BYTES("(func (block (result i32 i32) (unreachable)) drop drop)",
              0x01, 0x09, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x02, 0x7F, 0x7F,
              0x03, 0x02, 0x01, 0x00,
              0x0A, 0x0A, 0x01, 0x08, 0x00, 0x02, 0x01, 0x00, 0x0B, 0x1A, 0x1A, 0x0B);
}

static void test_control(void)
{
  /* labels by name and depth, br_table, folded if with then/else, typed
   * select, call_indirect with an inline type use */
  CHECK_BYTES("(func $f (param i32) (result i32)"
              "  (block $a (result i32) (loop $b (br_if $a (local.get 0) (local.get 0))"
              "    (br_table $b $a 0 (local.get 0))))"
              "  (if (result i32) (then (i32.const 1)) (else (i32.const 2)))"
              "  select (result i32)"
              "  (call_indirect (param i32) (result i32) (i32.const 0) (i32.const 0)))"
              "(table 1 funcref)",
              0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00, 0x04, 0x04, 0x01, 0x70,
              0x00, 0x01, 0x0A, 0x29, 0x01, 0x27, 0x00, 0x02, 0x7F, 0x03, 0x40, 0x20, 0x00, 0x20, 0x00, 0x0D,
              0x01, 0x20, 0x00, 0x0E, 0x02, 0x00, 0x01, 0x00, 0x0B, 0x0B, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41,
              0x02, 0x0B, 0x1C, 0x01, 0x7F, 0x41, 0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0B);
  /* the plain form of the same structure writes the same code */
  size_t a_size, b_size;
  uint8_t *a = parse_ok("(func (block $l (result i32) (i32.const 1) (br_if $l (i32.const 0))))", &a_size);
  uint8_t *b = parse_ok("(func block $l (result i32) i32.const 1 i32.const 0 br_if $l end $l)", &b_size);
  g_assert_cmpmem(a, a_size, b, b_size);
  free(a);
  free(b);
}

static void test_imports_exports(void)
{
  CHECK_BYTES("(func $f (import \"m\" \"f\") (param i32)) (memory (export \"mem\") 1 2)"
              "(global $g (export \"g\") (mut i32) (i32.const -1)) (export \"f\" (func $f))",
              0x01, 0x05, 0x01, 0x60, 0x01, 0x7F, 0x00,
              0x02, 0x07, 0x01, 0x01, 'm', 0x01, 'f', 0x00, 0x00,
              0x05, 0x04, 0x01, 0x01, 0x01, 0x02,
              0x06, 0x06, 0x01, 0x7F, 0x01, 0x41, 0x7F, 0x0B,
              0x07, 0x0F, 0x03, 0x03, 'm', 'e', 'm', 0x02, 0x00, 0x01, 'g', 0x03, 0x00, 0x01, 'f', 0x00, 0x00);
}

static void test_segments(void)
{
  /* inline elements size the table; a forward reference to $f */
  CHECK_BYTES("(table funcref (elem $f $f)) (func $f)",
              0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x04, 0x05, 0x01, 0x70, 0x01, 0x02,
              0x02, 0x09, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x02, 0x00, 0x00, 0x0A, 0x04, 0x01, 0x02, 0x00,
              0x0B);
  /* inline data sizes the memory; (memory x) and (offset ...); passive
   * data named by data.drop, which asks for a data count section */
  CHECK_BYTES("(memory (data \"ab\" \"c\")) (data (memory 0) (offset (i32.const 8)) \"\\01\")"
              "(data $p \"x\") (func (data.drop $p))",
              0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x04, 0x01, 0x01, 0x01, 0x01,
              0x0C, 0x01, 0x03, 0x0A, 0x07, 0x01, 0x05, 0x00, 0xFC, 0x09, 0x02, 0x0B, 0x0B, 0x12, 0x03, 0x00,
              0x41, 0x00, 0x0B, 0x03, 0x61, 0x62, 0x63, 0x00, 0x41, 0x08, 0x0B, 0x01, 0x01, 0x01, 0x01, 0x78);
  /* declarative, explicit-table and expression forms of element segments */
  CHECK_BYTES("(table 1 externref) (elem declare func 0)"
              "(elem (table 0) (i32.const 0) externref (ref.null extern))"
              "(elem funcref (item ref.func 0) (ref.null func)) (func)",
              0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00, 0x04, 0x04, 0x01, 0x6F, 0x00, 0x01,
              0x09, 0x18, 0x03, 0x03, 0x00, 0x01, 0x00, 0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x01, 0xD0, 0x6F,
              0x0B, 0x05, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B, 0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B);
}

static void test_floats(void)
{
  /* halfway cases round to even, the smallest subnormal is exact, NaN
   * payloads and signs are kept, underscores are ignored */
  CHECK_BYTES("(func (result f64) f64.const 0x1.fffffffffffff7ffp1023)",
              0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7C, 0x03, 0x02, 0x01, 0x00, 0x0A, 0x0D, 0x01, 0x0B, 0x00,
              0x44, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xEF, 0x7F, 0x0B);
  static const struct {
    const char *literal;
    uint32_t bits;
  } f32[] = {
    {"0x1.000001p0", 0x3F800000}, /* tie: to even */
    {"0x1.000003p0", 0x3F800002}, /* tie: to even, upwards */
    {"0x1p-149", 0x00000001},
    {"1e-46", 0x00000000},
    {"-0", 0x80000000},
    {"1_000.5e-2", 0x4120147B},
    {"-nan:0x200000", 0xFFA00000},
    {"nan", 0x7FC00000},
    {"-inf", 0xFF800000},
    {"0x1.fffffefffffffffffp127", 0x7F7FFFFF},
    {"16777217", 0x4B800000},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(f32); i++) {
    g_autofree char *src = g_strdup_printf("(func (result f32) f32.const %s)", f32[i].literal);
    size_t size;
    uint8_t *bytes = parse_ok(src, &size);
    uint32_t bits;
    memcpy(&bits, bytes + size - 5, 4); /* little-endian host */
    if (bits != f32[i].bits)
      g_error("%s: got 0x%08x, want 0x%08x", f32[i].literal, bits, f32[i].bits);
    free(bytes);
  }
  check_error("(func f32.const 0x1p128 drop)", "1:17", "constant out of range");
  check_error("(func f64.const nan:0x0 drop)", "1:17", "constant out of range");
  check_error("(func f32.const 1.e drop)", "1:17", "unknown operator");
}

static void test_integers(void)
{
  CHECK_BYTES("(func i32.const 0xffff_ffff drop i64.const -0x8000000000000000 drop)",
              VOID_FUNC(17, 0x00, 0x41, 0x7F, 0x1A, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                        0x7F, 0x1A, 0x0B));
  check_error("(func i32.const 4294967296 drop)", "1:17", "constant out of range");
  check_error("(func i32.const -2147483649 drop)", "1:17", "constant out of range");
  check_error("(func i32.const 1__0 drop)", "1:17", "unknown operator");
  check_error("(func i64.const 18446744073709551616 drop)", "1:17", "constant out of range");
}

static void test_simd(void)
{
  CHECK_BYTES("(memory 1) (func (param i32) (result v128)"
              "  (v128.load16_lane offset=2 align=1 3 (local.get 0) (v128.const i16x8 1 -1 2 3 4 5 6 0xffff)))"
              "(func (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"
              "  (v128.const f32x4 1 nan inf -0) (v128.const i64x2 -1 1)))",
              0x01, 0x0A, 0x02, 0x60, 0x01, 0x7F, 0x01, 0x7B, 0x60, 0x00, 0x01, 0x7B, 0x03, 0x03, 0x02, 0x00,
              0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0A, 0x56, 0x02, 0x1B, 0x00, 0x20, 0x00, 0xFD, 0x0C, 0x01,
              0x00, 0xFF, 0xFF, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06, 0x00, 0xFF, 0xFF, 0xFD,
              0x55, 0x00, 0x02, 0x03, 0x0B, 0x38, 0x00, 0xFD, 0x0C, 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0xC0,
              0x7F, 0x00, 0x00, 0x80, 0x7F, 0x00, 0x00, 0x00, 0x80, 0xFD, 0x0C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
              0xFF, 0xFF, 0xFF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFD, 0x0D, 0x00, 0x01, 0x02,
              0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x0B);
  check_error("(func (v128.const i32x4 1 2 3) drop)", "1:30", "wrong number of lane literals");
  check_error("(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop)", "1:29", "malformed lane index");
  check_error("(func (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0) drop)", "1:25", "constant out of range");
}

static void test_binary_and_quote(void)
{
  CHECK_BYTES("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")");
  CHECK_BYTES("(module $q quote \"(func (result i32)\" \" i32.const 42)\")",
              0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
              0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2A, 0x0B);
  /* errors inside quoted text are placed in that text */
  check_error("(module quote \"(func\" \" nop nope)\")", "1:11", "unknown operator");
}

static void test_errors(void)
{
  check_error("(module\n  (func\n    i32.foo))", "3:5", "unknown operator");
  check_error("(module (func (br $nowhere)))", "1:19", "unknown label");
  check_error("(func $f) (func $f)", "1:17", "duplicate func");
  check_error("(func (local $x i32) (local $x i32))", "1:29", "duplicate local");
  check_error("(type $t (func (param i32))) (func (type $t) (param i64))", "1:42", "inline function type");
  check_error("(memory 1) (func (i32.load align=3 (i32.const 0)) drop)", "1:28", "alignment");
  check_error("(func block $a end $b)", "1:20", "mismatching label");
  check_error("(func) (import \"\" \"\" (func))", "1:8", "import after function");
  check_error("(start 0) (start 0) (func)", "1:11", "multiple start sections");
  check_error("(module (func)", "1:1", "unclosed parenthesis");
  check_error("(module) (; never closed", "1:10", "unclosed comment");
  check_error("(module (func (call $g)))", "1:21", "unknown func");
  check_error("(module (func (export \"\\ff\")))", "1:23", "malformed UTF-8 encoding");
  check_error("(module (memory 0x1_0000_0000))", "1:17", "i32 constant out of range");
  check_error("(module (func br 0drop))", "1:18", "unknown operator");
  check_error("(module (data \"a\"\"b\"))", "1:15", "unknown operator");
  check_error("(module (func (param $x i32) (call_indirect (param $y i32))))", "1:52", "unexpected token");
  check_error("(module (func (i32.const 0) (local.get)))", "1:39", "unexpected token");
  /* as the reference lexer: known keywords out of place are syntax errors,
   * unknown ones and reserved tokens "unknown operator" */
  check_error("(func (nop) (local i32))", "1:14", "unexpected token");
  check_error("(func (result i32) (param i32) (local.get 0))", "1:20", "unexpected token");
  check_error("(type $t (func)) (func (block (result i32) (type $t)))", "1:44", "unexpected token");
  check_error("(func (result f32) (f32.const nan:arithmetic))", "1:31", "unexpected token");
  check_error("(func (result i32) (i32.const nan:canonical))", "1:31", "unexpected token");
  check_error("(global i32 (i32.const _100))", "1:24", "unknown operator");
  check_error("(global $g anyfunc (ref.null func))", "1:12", "unknown operator anyfunc");
  /* errors in text order: a bad lane index before a stray ')' after it */
  check_error("(func (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15.0)))", "1:57", "malformed lane index");
  check_error("(func)\n)", "2:1", "unexpected token");
  check_error("(func (i8x16.extract_lane_s -1 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))", "1:29",
              "unexpected token");
  check_error("(func (i8x16.extract_lane_s 256 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))", "1:29",
              "malformed lane index");
  check_error("(func (v128.const i32x4 0x10000000000000000 0x10000000000000000) drop)", "1:64",
              "wrong number of lane literals");
  check_error("(func (v128.const f32x4 .0 .0 .0 .0) drop)", "1:25", "unknown operator");
  /* a line comment ends at a lone carriage return too */
  {
    size_t a_size, b_size;
    uint8_t *a = parse_ok("(func (result i32) ;; c\r i32.const 2)", &a_size);
    uint8_t *b = parse_ok("(func (result i32) i32.const 2)", &b_size);
    g_assert_cmpmem(a, a_size, b, b_size);
    free(a);
    free(b);
  }

  /* hostile nesting is an error, not a stack overflow */
  GString *deep = g_string_new("(func ");
  for (int i = 0; i < 100000; i++)
    g_string_append(deep, "(block ");
  check_error(deep->str, "1:700000", "unclosed parenthesis");
  g_string_free(deep, TRUE);

  /* indices past 2^32 - 1 are a range error, in the reference
   * interpreter's words */
  check_error("(func (local.get 99999999999999999999))", "1:18", "i32 constant out of range");
  check_error("(func (local i32) (local.get 4294967296))", "1:30", "i32 constant out of range");
  check_error("(func (block (br 18446744073709551616)))", "1:18", "i32 constant out of range");
  check_error("(func (call 4294967296))", "1:13", "i32 constant out of range");
  check_error("(func (local.get 1x))", "1:18", "unknown operator");
}

/* The text format is UTF-8: strings and comments are checked (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF); escapes may
 * still make any byte. */
static void test_utf8(void)
{
  static const char *const bad[] = {
    "\xff", "\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80",
    "\x80", "\xe2\x82",
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *in_string = g_strdup_printf("(module (memory 1) (data (i32.const 0) \"a%s\"))", bad[i]);
    check_error(in_string, "1:42", "malformed UTF-8 encoding");
    g_autofree char *in_line = g_strdup_printf("(module) ;; a%s\n", bad[i]);
    check_error(in_line, "1:14", "malformed UTF-8 encoding");
    g_autofree char *in_block = g_strdup_printf("(module (; a%s ;))", bad[i]);
    check_error(in_block, "1:13", "malformed UTF-8 encoding");
  }
  size_t a_size, b_size;
  uint8_t *a = parse_ok("(module (; \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 ;) ;; \xc3\xa9\n"
                        "  (memory 1) (data (i32.const 0) \"\xc3\xa9\\ff\\c3\"))", &a_size);
  uint8_t *b = parse_ok("(module (memory 1) (data (i32.const 0) \"\\c3\\a9\\ff\\c3\"))", &b_size);
  g_assert_cmpmem(a, a_size, b, b_size);
  free(a);
  free(b);
}

/* Text nests as deep as the binary format: 100,000 blocks (50 times the
 * old limit), folded and plain, parse without recursion on the C stack and
 * load. */
static void test_deep_nesting(void)
{
  enum { DEPTH = 100000 }; /* 1,000,000 takes 850 MB; the mechanism is the same */
  for (int plain = 0; plain < 2; plain++) {
    GString *src = g_string_sized_new(DEPTH * 14 + 64);
    g_string_append(src, "(module (func (export \"f\") (result i32) ");
    for (int i = 0; i < DEPTH; i++)
      g_string_append(src, plain ? "block " : "(block ");
    g_string_append(src, plain ? "nop " : "(nop)");
    for (int i = 0; i < DEPTH; i++)
      g_string_append(src, plain ? "end " : ")");
    g_string_append(src, " (i32.const 7)))");
    size_t size;
    uint8_t *bytes = parse_ok(src->str, &size);
    g_string_free(src, TRUE);
    char error[256];
    Module *m = decode_module(bytes, size, error, sizeof error);
    if (!m)
      g_error("decoding: %s", error);
    if (!validate_module(m, error, sizeof error))
      g_error("validating: %s", error);
    module_free(m);
    free(bytes);
  }
}

/* The one loading path: what the text parser writes, the decoder reads. */
static void test_decodes(void)
{
  static const char src[] = "(module (type $t (func (param i32) (result i32)))"
                            "  (import \"env\" \"f\" (func $imp (type $t)))"
                            "  (table $tab 2 funcref) (memory 1) (global $g (mut i64) (i64.const 7))"
                            "  (func $id (export \"id\") (type $t) (local.get 0))"
                            "  (func (export \"loop\") (param i32) (result i32)"
                            "    (block (result i32) (loop (br_if 1 (local.get 0) (local.get 0)) (br 0))))"
                            "  (elem (table $tab) (i32.const 0) func $id $imp)"
                            "  (data (i32.const 16) \"hello\")"
                            "  (start $s) (func $s (global.set $g (i64.const 1))))";
  size_t size;
  uint8_t *bytes = parse_ok(src, &size);
  char error[256];
  Module *module = decode_module(bytes, size, error, sizeof error);
  if (!module)
    g_error("decode failed: %s", error);
  module_free(module);
  free(bytes);
}

static void test_wast(void)
{
  static const char script[] =
    "(module $m (func (export \"f\") (param f32) (result f32) (local.get 0)))\n"
    "(register \"M\" $m)\n"
    "(assert_return (invoke $m \"f\" (f32.const nan:0x1)) (f32.const nan:arithmetic))\n"
    "(assert_return (invoke \"g\" (ref.extern 7) (ref.null func))\n"
    "  (v128.const f32x4 nan:canonical 1 -0 inf) (ref.func))\n"
    "(assert_malformed (module quote \"(func i32.konst 0)\") \"unknown operator\")\n"
    "(assert_trap (invoke \"t\") \"unreachable\")\n"
    "(assert_invalid (module binary \"\\00asm\" \"\\01\\00\\00\\00\") \"x\")\n"
    "(get \"glob\")\n";
  char error[256];
  WastScript *w = wast_parse(script, strlen(script), error, sizeof error);
  if (!w)
    g_error("wast_parse: %s", error);
  g_assert_cmpuint(w->num_commands, ==, 8);
  WastCommand *c = w->commands;
  g_assert_cmpint(c[0].kind, ==, WAST_MODULE);
  g_assert_cmpstr(c[0].module.name, ==, "$m");
  g_assert_nonnull(c[0].module.bytes);
  g_assert_cmpuint(c[0].module.size, >, 8);
  g_assert_cmpint(c[1].kind, ==, WAST_REGISTER);
  g_assert_cmpstr(c[1].register_name, ==, "M");
  g_assert_cmpstr(c[1].register_module, ==, "$m");
  g_assert_cmpint(c[2].kind, ==, WAST_ASSERT_RETURN);
  g_assert_cmpuint(c[2].line, ==, 3);
  g_assert_cmpstr(c[2].action.module, ==, "$m");
  g_assert_cmpuint(c[2].action.num_args, ==, 1);
  g_assert_cmphex(c[2].action.args[0].u.f32, ==, 0x7F800001);
  g_assert_cmpint(c[2].expected[0].kind, ==, WAST_VALUE_NAN_ARITHMETIC);
  g_assert_null(c[3].action.module);
  g_assert_cmpint(c[3].action.args[0].kind, ==, WAST_VALUE_REF_EXTERN);
  g_assert_cmpuint(c[3].action.args[0].u.ref_extern, ==, 7);
  g_assert_cmpint(c[3].action.args[1].kind, ==, WAST_VALUE_REF_NULL);
  g_assert_cmpuint(c[3].action.args[1].type, ==, 0x70);
  g_assert_cmpuint(c[3].num_expected, ==, 2);
  g_assert_cmpuint(c[3].expected[0].type, ==, 0x7B);
  g_assert_cmpint(c[3].expected[0].lane_kinds[0], ==, WAST_VALUE_NAN_CANONICAL);
  g_assert_cmpint(c[3].expected[0].lane_kinds[1], ==, WAST_VALUE_EXACT);
  g_assert_cmphex(c[3].expected[0].u.v128[7], ==, 0x3F); /* 1.0f = 0x3F800000 */
  g_assert_cmphex(c[3].expected[0].u.v128[11], ==, 0x80); /* -0 */
  g_assert_cmpint(c[3].expected[1].kind, ==, WAST_VALUE_REF_FUNC);
  g_assert_cmpint(c[4].kind, ==, WAST_ASSERT_MALFORMED);
  g_assert_null(c[4].module.bytes);
  g_assert_true(g_str_has_prefix(c[4].module.error, "1:7: unknown operator"));
  g_assert_cmpstr(c[4].message, ==, "unknown operator");
  g_assert_cmpint(c[5].kind, ==, WAST_ASSERT_TRAP);
  g_assert_false(c[5].has_module);
  g_assert_cmpstr(c[5].action.name, ==, "t");
  g_assert_cmpint(c[6].kind, ==, WAST_ASSERT_INVALID);
  g_assert_true(c[6].module.is_binary);
  g_assert_cmpuint(c[6].module.size, ==, 8);
  g_assert_cmpint(c[7].kind, ==, WAST_ACTION);
  g_assert_true(c[7].action.is_get);
  wast_free(w);

  static const char unclosed[] = "(assert_return (invoke \"f\") (i32.const 1)";
  g_assert_null(wast_parse(unclosed, strlen(unclosed), error, sizeof error));
  g_assert_true(g_str_has_prefix(error, "1:1: unclosed parenthesis"));
}

/* Found by the crash fuzzer (tests/fuzz, fuzz-text): an empty list before
 * any other copied nothing from a NULL array, which UBSan reports. */
static void test_empty_first_list(void)
{
  check_error("()", "1:1", "unexpected token");
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/text/module/empty", test_empty);
  g_test_add_func("/text/func/body", test_function);
  g_test_add_func("/text/types/implicit", test_implicit_types);
  g_test_add_func("/text/module/imports-exports", test_imports_exports);
  g_test_add_func("/text/module/segments", test_segments);
  g_test_add_func("/text/func/control", test_control);
  g_test_add_func("/text/literal/float", test_floats);
  g_test_add_func("/text/literal/integer", test_integers);
  g_test_add_func("/text/simd", test_simd);
  g_test_add_func("/text/module/binary-quote", test_binary_and_quote);
  g_test_add_func("/text/errors", test_errors);
  g_test_add_func("/text/utf8", test_utf8);
  g_test_add_func("/text/deep-nesting", test_deep_nesting);
  g_test_add_func("/text/decode", test_decodes);
  g_test_add_func("/text/wast/commands", test_wast);
  g_test_add_func("/text/regression/empty-first-list", test_empty_first_list);
  return g_test_run();
}
