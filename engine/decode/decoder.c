/*
 * decoder.c -- the Wasm 2.0 binary format to a Module (see decoder.h).
 *
 * One pass over the bytes, one function per section, in the order the spec
 * lists them.  Every read goes through a Reader whose window is the current
 * section (or the whole module between sections), so nothing is ever read
 * past the end, and running out of bytes says "unexpected end ...".
 *
 * Counts read from the module are untrusted: arrays are sized by the count
 * only up to the bytes that remain (every item takes at least one byte), so a
 * lying count fails with "unexpected end" instead of a huge allocation.
 *
 * The module is built in place: each count (num_types, num_imports, ...) says
 * how many entries are fully or partly built, arrays are zero-filled, so
 * module_free() is safe wherever decoding stops.
 *
 * Messages follow the spec's reference decoder, which reads a section's
 * contents without stopping at its declared end and only then compares
 * sizes.  Where that matters for what is reported (an integer, a name's
 * length or a constant expression that runs past its section, a function
 * body with no final `end`), we read on over the rest of the module too, to
 * give the same message; everything else stays inside its window.
 *
 * Function bodies are only split here (locals, then code up to the final
 * `end`); their instructions are decoded and checked by the validator.
 */
#include "decoder.h"

#include <stdlib.h>
#include <string.h>

#include "../common/error.h"
#include "../common/leb128.h"
#include "../common/opcodes.h"

#define WASM_MAGIC "\0asm"
#define WASM_VERSION 1

/* Said when a section or function body runs out of bytes; "unexpected end"
 * alone is for the module itself. */
#define MSG_END_OF_SECTION "unexpected end of section or function"

enum {
  SECTION_CUSTOM = 0,
  SECTION_TYPE = 1,
  SECTION_IMPORT = 2,
  SECTION_FUNCTION = 3,
  SECTION_TABLE = 4,
  SECTION_MEMORY = 5,
  SECTION_GLOBAL = 6,
  SECTION_EXPORT = 7,
  SECTION_START = 8,
  SECTION_ELEMENT = 9,
  SECTION_CODE = 10,
  SECTION_DATA = 11,
  SECTION_DATA_COUNT = 12,
};

/* Position of each non-custom section in the required order: the data count
 * section (id 12) comes between element (9) and code (10). */
static const uint8_t section_rank[13] = {
  [SECTION_TYPE] = 1,     [SECTION_IMPORT] = 2, [SECTION_FUNCTION] = 3,   [SECTION_TABLE] = 4,
  [SECTION_MEMORY] = 5,   [SECTION_GLOBAL] = 6, [SECTION_EXPORT] = 7,     [SECTION_START] = 8,
  [SECTION_ELEMENT] = 9,  [SECTION_DATA_COUNT] = 10, [SECTION_CODE] = 11, [SECTION_DATA] = 12,
};

typedef struct Reader {
  const uint8_t *p;     /* next byte */
  const uint8_t *end;   /* end of the current window (section or body) */
  const uint8_t *base;  /* start of the module, for offsets */
  const uint8_t *limit; /* end of the module */
  const char *eof;      /* message when the window runs out */
  char *error;
  uint32_t error_size;
} Reader;

/* What the decoder remembers between sections. */
typedef struct Decoder {
  Module *m;
  Reader r;
  uint32_t sections_seen;         /* bit per section id */
  int32_t name_section;           /* index in m->customs of the "name" section, or -1 */
} Decoder;

/* ---- reading primitives ------------------------------------------------ */

static bool fail_at(Reader *r, const uint8_t *at, const char *msg)
{
  error_set(r->error, r->error_size, "%s at offset 0x%zx", msg, (size_t)(at - r->base));
  return false;
}

static size_t remaining(const Reader *r) { return (size_t)(r->end - r->p); }

static bool fail_end(Reader *r) { return fail_at(r, r->end, r->eof); }

static bool read_byte(Reader *r, uint8_t *out)
{
  if (r->p >= r->end)
    return fail_end(r);
  *out = *r->p++;
  return true;
}

/*
 * An integer cut short by the end of its section or body: the spec's decoder
 * reads on into the bytes that follow, so when those make the integer too
 * long or too large, that is the message to give.
 */
static bool leb_fail(Reader *r, const uint8_t *start, unsigned bits, bool is_signed, LebStatus s)
{
  if (s == LEB_UNEXPECTED_END && r->end < r->limit) {
    const uint8_t *q = start;
    uint64_t u;
    int64_t v = 0;
    LebStatus again = is_signed ? leb_read_s(&q, r->limit, bits, &v) : leb_read_u(&q, r->limit, bits, &u);
    if (again == LEB_TOO_LONG || again == LEB_TOO_LARGE)
      s = again;
  }
  if (s == LEB_UNEXPECTED_END)
    return fail_end(r);
  return fail_at(r, start, leb_status_message(s));
}

static bool read_uleb(Reader *r, unsigned bits, uint64_t *out)
{
  const uint8_t *start = r->p;
  LebStatus s = leb_read_u(&r->p, r->end, bits, out);
  return s == LEB_OK ? true : leb_fail(r, start, bits, false, s);
}

static bool read_u32(Reader *r, uint32_t *out)
{
  uint64_t v = 0;
  if (!read_uleb(r, 32, &v))
    return false;
  *out = (uint32_t)v;
  return true;
}

static bool read_sleb(Reader *r, unsigned bits, int64_t *out)
{
  const uint8_t *start = r->p;
  LebStatus s = leb_read_s(&r->p, r->end, bits, out);
  return s == LEB_OK ? true : leb_fail(r, start, bits, true, s);
}

/* Type bytes are one-byte signed LEB128s (0x7F is -1): a continuation bit
 * makes them "integer representation too long".  A valid one is always a
 * single byte, which is how the rest of the module stores it. */
static bool read_type_byte(Reader *r, uint8_t *out)
{
  int64_t v = 0;
  if (!read_sleb(r, 7, &v))
    return false;
  *out = (uint8_t)(v & 0x7F);
  return true;
}

/* Little-endian fixed-width value (the raw bits of f32/f64 constants). */
static bool read_fixed(Reader *r, unsigned n, uint64_t *out)
{
  if (remaining(r) < n) {
    r->p = r->end;
    return fail_end(r);
  }
  uint64_t v = 0;
  for (unsigned i = 0; i < n; i++)
    v |= (uint64_t)r->p[i] << (8 * i);
  r->p += n;
  *out = v;
  return true;
}

static bool read_zero_byte(Reader *r)
{
  const uint8_t *at = r->p;
  uint8_t b = 0;
  if (!read_byte(r, &b))
    return false;
  return b == 0 ? true : fail_at(r, at, "zero byte expected");
}

/* A vector's length, and how many entries to allocate for it: never more
 * than the bytes left, since each entry takes at least one. */
static bool read_count(Reader *r, uint32_t *count, uint32_t *capacity)
{
  if (!read_u32(r, count))
    return false;
  size_t left = remaining(r);
  *capacity = *count <= left ? *count : (uint32_t)left;
  return true;
}

/* Zero-filled, never a zero-size request (whose result may be NULL). */
static void *alloc_array(size_t n, size_t size) { return calloc(n ? n : 1, size); }

static bool grow_array(Reader *r, void **array, size_t n, size_t size)
{
  void *p = realloc(*array, (n ? n : 1) * size);
  if (!p)
    return fail_at(r, r->p, "out of memory");
  *array = p;
  return true;
}

/* ---- names ------------------------------------------------------------- */

/* Well-formed UTF-8: shortest forms only, no surrogates, nothing above
 * U+10FFFF. */
static bool utf8_valid(const uint8_t *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (n - i < len)
      return false;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

/* A name: its bytes, NUL-terminated (it may hold NULs itself: *len says how
 * long it really is). */
static bool read_name(Reader *r, char **out, uint32_t *len_out)
{
  const uint8_t *at = r->p;
  uint32_t len;
  /* Like the spec's decoder, read the length even if it runs past the
   * section, and call it out of bounds only if it runs past the module. */
  Reader x = *r;
  x.end = r->limit;
  if (!read_u32(&x, &len))
    return false;
  if (len > (size_t)(r->limit - x.p))
    return fail_at(r, at, "length out of bounds");
  if (x.p > r->end || len > (size_t)(r->end - x.p))
    return fail_end(r);
  r->p = x.p;
  if (!utf8_valid(r->p, len))
    return fail_at(r, r->p, "malformed UTF-8 encoding");
  char *s = malloc((size_t)len + 1);
  if (!s)
    return fail_at(r, at, "out of memory");
  memcpy(s, r->p, len);
  s[len] = '\0';
  r->p += len;
  *out = s;
  if (len_out)
    *len_out = len;
  return true;
}

/* ---- types ------------------------------------------------------------- */

static bool is_valtype(uint8_t b) { return valtype_is_num(b) || valtype_is_ref(b); }

static bool read_valtype(Reader *r, uint8_t *out)
{
  const uint8_t *at = r->p;
  if (!read_type_byte(r, out))
    return false;
  return is_valtype(*out) ? true : fail_at(r, at, "malformed value type");
}

static bool read_reftype(Reader *r, uint8_t *out)
{
  const uint8_t *at = r->p;
  if (!read_type_byte(r, out))
    return false;
  return valtype_is_ref(*out) ? true : fail_at(r, at, "malformed reference type");
}

/* The flags are a one-bit LEB128 (0: min only, 1: min and max), hence the
 * LEB messages for any other value. */
static bool read_limits(Reader *r, Limits *out)
{
  uint64_t flags = 0;
  if (!read_uleb(r, 1, &flags) || !read_u32(r, &out->min))
    return false;
  out->has_max = flags == 1;
  out->max = 0;
  return out->has_max ? read_u32(r, &out->max) : true;
}

/* Memory limits: flag 3 is a shared memory of the threads proposal, which
 * this engine does not run; say so rather than "integer too large".  (Flag
 * 2, shared without a maximum, is malformed even there, and the spec tests
 * expect the LEB message for it.) */
static bool read_memory_limits(Reader *r, Limits *out)
{
  if (r->p < r->end && *r->p == 3)
    return fail_at(r, r->p, "shared memory is not supported");
  return read_limits(r, out);
}

static bool read_table_type(Reader *r, TableType *out)
{
  return read_reftype(r, &out->elem_type) && read_limits(r, &out->limits);
}

static bool read_global_type(Reader *r, GlobalType *out)
{
  if (!read_valtype(r, &out->type))
    return false;
  const uint8_t *at = r->p;
  uint8_t mut = 0;
  if (!read_byte(r, &mut))
    return false;
  if (mut > 1)
    return fail_at(r, at, "malformed mutability");
  out->mutable_ = mut == 1;
  return true;
}

/* vec(valtype) in place: where it starts and how long it is. */
static bool read_valtype_vec(Reader *r, const uint8_t **start, uint32_t *count)
{
  if (!read_u32(r, count))
    return false;
  *start = r->p;
  for (uint32_t i = 0; i < *count; i++) {
    uint8_t t = 0;
    if (!read_valtype(r, &t))
      return false;
  }
  return true;
}

static bool read_func_type(Reader *r, FuncType *out)
{
  const uint8_t *at = r->p;
  uint8_t form = 0;
  if (!read_type_byte(r, &form))
    return false;
  if (form != 0x60)
    return fail_at(r, at, "malformed function type");
  const uint8_t *params, *results;
  uint32_t np, nr;
  if (!read_valtype_vec(r, &params, &np) || !read_valtype_vec(r, &results, &nr))
    return false;
  out->types = malloc((size_t)np + nr + 1);
  if (!out->types)
    return fail_at(r, at, "out of memory");
  memcpy(out->types, params, np);
  memcpy(out->types + np, results, nr);
  out->num_params = np;
  out->num_results = nr;
  return true;
}

/* ---- constant expressions ---------------------------------------------- */

static void declare_func(Module *m, uint32_t index)
{
  /* Out-of-range indices are left to the validator ("unknown function"). */
  if (index >= m->num_funcs)
    return;
  if (!m->declared_funcs)
    m->declared_funcs = alloc_array((m->num_funcs + 7) / 8, 1);
  if (m->declared_funcs)
    m->declared_funcs[index / 8] |= (uint8_t)(1u << (index % 8));
}

/* Skips the immediates of an instruction that cannot appear in a constant
 * expression: it is still decoded, because a malformed instruction is
 * reported before a misplaced one, as the spec's own decoder does. */
static bool skip_immediates(Reader *r, uint8_t imm)
{
  uint32_t a = 0, n = 0;
  int64_t s = 0;
  uint64_t v = 0;
  uint8_t t = 0;
  switch ((ImmKind)imm) {
  case IMM_NONE:
    return true;
  case IMM_BLOCKTYPE:
    return read_sleb(r, 33, &s);
  case IMM_LABEL:
  case IMM_FUNC:
  case IMM_LOCAL:
  case IMM_GLOBAL:
  case IMM_TABLE:
  case IMM_DATA:
  case IMM_ELEM:
    return read_u32(r, &a);
  case IMM_BR_TABLE:
    if (!read_u32(r, &n))
      return false;
    for (uint32_t i = 0; i < n; i++)
      if (!read_u32(r, &a))
        return false;
    return read_u32(r, &a);
  case IMM_CALL_INDIRECT:
  case IMM_MEMARG:
  case IMM_ELEM_TABLE:
  case IMM_TABLE_TABLE:
    return read_u32(r, &a) && read_u32(r, &a);
  case IMM_MEMORY:
    return read_zero_byte(r);
  case IMM_I32:
    return read_sleb(r, 32, &s);
  case IMM_I64:
    return read_sleb(r, 64, &s);
  case IMM_F32:
    return read_fixed(r, 4, &v);
  case IMM_F64:
    return read_fixed(r, 8, &v);
  case IMM_SELECT_T:
    if (!read_u32(r, &n))
      return false;
    for (uint32_t i = 0; i < n; i++)
      if (!read_valtype(r, &t))
        return false;
    return true;
  case IMM_REFTYPE:
    return read_reftype(r, &t);
  case IMM_DATA_MEMORY:
    return read_u32(r, &a) && read_zero_byte(r);
  case IMM_MEMORY_MEMORY:
    return read_zero_byte(r) && read_zero_byte(r);
  }
  return true;
}

static bool is_const_opcode(uint8_t op)
{
  return op == OP_I32_CONST || op == OP_I64_CONST || op == OP_F32_CONST || op == OP_F64_CONST ||
         op == OP_REF_NULL || op == OP_REF_FUNC || op == OP_GLOBAL_GET;
}

static bool read_const_immediate(Reader *r, uint8_t op, ConstExpr *e)
{
  int64_t s = 0;
  uint64_t v = 0;
  e->opcode = op;
  switch (op) {
  case OP_I32_CONST:
    if (!read_sleb(r, 32, &s))
      return false;
    e->u.value.u64 = 0;
    e->u.value.i32 = (int32_t)s;
    return true;
  case OP_I64_CONST:
    if (!read_sleb(r, 64, &s))
      return false;
    e->u.value.i64 = s;
    return true;
  case OP_F32_CONST:
    if (!read_fixed(r, 4, &v))
      return false;
    e->u.value.u64 = v; /* raw bits in the low half */
    return true;
  case OP_F64_CONST:
    if (!read_fixed(r, 8, &v))
      return false;
    e->u.value.u64 = v;
    return true;
  case OP_REF_NULL:
    e->u.value.u64 = 0;
    return read_reftype(r, &e->u.ref_type);
  default: /* OP_REF_FUNC, OP_GLOBAL_GET */
    e->u.value.u64 = 0;
    return read_u32(r, &e->u.index);
  }
}

/* What a pass over an instruction sequence found. */
typedef struct InstrScan {
  uint32_t count;            /* instructions, the closing `end` excluded */
  const uint8_t *non_const;  /* first instruction not allowed in a constant expression */
  ConstExpr first;           /* the first instruction, when it is a constant one */
} InstrScan;

/*
 * Decodes instructions up to the `end` that closes the sequence, checking
 * only that each is well formed (opcode known, immediates readable): enough
 * for constant expressions, and for saying what is wrong with a function body
 * whose last byte is not `end`.  Typing is the validator's.
 */
static bool scan_instructions(Reader *r, InstrScan *s)
{
  uint32_t depth = 0;
  memset(s, 0, sizeof *s);
  for (;;) {
    const uint8_t *at = r->p;
    uint8_t op = 0;
    if (!read_byte(r, &op))
      return false;
    if (op == OP_END) {
      if (depth == 0)
        return true;
      depth--;
      continue;
    }
    if (op == OP_ELSE && depth == 0)
      return fail_at(r, at, "END opcode expected");

    const OpInfo *info;
    if (op == OP_PREFIX_FC) {
      uint32_t sub;
      if (!read_u32(r, &sub))
        return false;
      if (sub >= OP_FC_COUNT || !opcode_fc_info[sub].name)
        return fail_at(r, at, "illegal opcode");
      info = &opcode_fc_info[sub];
    } else if (op == OP_PREFIX_FD) {
      /* SIMD is decoded by nobody yet: v128.const would be a constant
       * instruction, but a ConstExpr cannot hold 128 bits. */
      return fail_at(r, at, "SIMD instructions are not supported");
    } else if (opcode_info[op].name) {
      info = &opcode_info[op];
    } else {
      return fail_at(r, at, "illegal opcode");
    }

    if (op != OP_PREFIX_FC && is_const_opcode(op) && depth == 0) {
      ConstExpr e;
      memset(&e, 0, sizeof e);
      if (!read_const_immediate(r, op, &e))
        return false;
      if (s->count == 0)
        s->first = e;
    } else {
      if (!skip_immediates(r, info->imm))
        return false;
      if (!s->non_const)
        s->non_const = at;
      if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF)
        depth++;
    }
    s->count++;
  }
}

/*
 * A constant expression: the whole instruction sequence up to its `end` is
 * decoded (malformed wins over invalid); then it must be exactly one constant
 * instruction ("constant expression required" for anything else, "type
 * mismatch" for no value or several).  Whether the value has the right type,
 * and whether global.get names an immutable imported global, is the
 * validator's business.
 *
 * The spec's decoder does not stop at the end of the section while reading
 * an expression, so neither do we: an expression that runs on gets the
 * message for what follows it (often "illegal opcode"), or "section size
 * mismatch".
 */
static bool read_const_expr(Module *m, Reader *r, ConstExpr *out)
{
  const uint8_t *first = r->p;
  Reader x = *r;
  x.end = r->limit;
  InstrScan s;
  if (!scan_instructions(&x, &s))
    return false;
  if (x.p > r->end)
    return fail_at(r, r->end, "section size mismatch");
  r->p = x.p;
  if (s.non_const)
    return fail_at(r, s.non_const, "constant expression required");
  if (s.count != 1)
    return fail_at(r, first, "type mismatch");
  if (s.first.opcode == OP_REF_FUNC)
    declare_func(m, s.first.u.index);
  *out = s.first;
  return true;
}

/* ---- sections ---------------------------------------------------------- */

static bool decode_custom_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  /* Custom sections are few; grow one at a time. */
  if (!grow_array(r, (void **)&m->customs, (size_t)m->num_customs + 1, sizeof *m->customs))
    return false;
  CustomSection *c = &m->customs[m->num_customs++];
  memset(c, 0, sizeof *c);
  uint32_t len;
  if (!read_name(r, &c->name, &len))
    return false;
  c->data = r->p;
  c->size = (uint32_t)remaining(r);
  r->p = r->end;
  if (len == 4 && memcmp(c->name, "name", 4) == 0 && d->name_section < 0)
    d->name_section = (int32_t)(m->num_customs - 1);
  return true;
}

static bool decode_type_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!(m->types = alloc_array(cap, sizeof *m->types)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    m->num_types = i + 1;
    if (!read_func_type(r, &m->types[i]))
      return false;
  }
  return true;
}

static bool check_type_index(Reader *r, const Module *m, const uint8_t *at, uint32_t index)
{
  if (index < m->num_types)
    return true;
  return error_set(r->error, r->error_size, "unknown type %u at offset 0x%zx", index, (size_t)(at - r->base));
}

/* After the imports: the index spaces start with them. */
static bool build_import_spaces(Module *m, Reader *r)
{
  for (uint32_t i = 0; i < m->num_imports; i++) {
    switch (m->imports[i].kind) {
    case EXTERN_FUNC: m->num_imported_funcs++; break;
    case EXTERN_TABLE: m->num_imported_tables++; break;
    case EXTERN_MEMORY: m->num_imported_memories++; break;
    default: m->num_imported_globals++; break;
    }
  }
  m->func_type_index = alloc_array(m->num_imported_funcs, sizeof *m->func_type_index);
  m->tables = alloc_array(m->num_imported_tables, sizeof *m->tables);
  m->memories = alloc_array(m->num_imported_memories, sizeof *m->memories);
  m->global_types = alloc_array(m->num_imported_globals, sizeof *m->global_types);
  if (!m->func_type_index || !m->tables || !m->memories || !m->global_types)
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < m->num_imports; i++) {
    const Import *im = &m->imports[i];
    switch (im->kind) {
    case EXTERN_FUNC: m->func_type_index[m->num_funcs++] = im->u.type_index; break;
    case EXTERN_TABLE: m->tables[m->num_tables++] = im->u.table; break;
    case EXTERN_MEMORY: m->memories[m->num_memories++] = im->u.memory; break;
    default: m->global_types[m->num_globals++] = im->u.global; break;
    }
  }
  return true;
}

static bool decode_import_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!(m->imports = alloc_array(cap, sizeof *m->imports)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    Import *im = &m->imports[i];
    m->num_imports = i + 1;
    if (!read_name(r, &im->module_name, &im->module_name_len) ||
        !read_name(r, &im->field_name, &im->field_name_len))
      return false;
    const uint8_t *at = r->p;
    if (!read_byte(r, &im->kind))
      return false;
    switch (im->kind) {
    case EXTERN_FUNC:
      at = r->p;
      if (!read_u32(r, &im->u.type_index) || !check_type_index(r, m, at, im->u.type_index))
        return false;
      break;
    case EXTERN_TABLE:
      if (!read_table_type(r, &im->u.table))
        return false;
      break;
    case EXTERN_MEMORY:
      if (!read_memory_limits(r, &im->u.memory))
        return false;
      break;
    case EXTERN_GLOBAL:
      if (!read_global_type(r, &im->u.global))
        return false;
      break;
    default:
      return fail_at(r, at, "malformed import kind");
    }
  }
  return build_import_spaces(m, r);
}

static bool decode_function_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  uint32_t base = m->num_funcs;
  if (!grow_array(r, (void **)&m->func_type_index, (size_t)base + cap, sizeof *m->func_type_index))
    return false;
  if (!(m->funcs = alloc_array(cap, sizeof *m->funcs)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    const uint8_t *at = r->p;
    uint32_t type_index;
    if (!read_u32(r, &type_index) || !check_type_index(r, m, at, type_index))
      return false;
    m->func_type_index[base + i] = type_index;
    m->funcs[i].type_index = type_index;
    m->num_funcs++;
  }
  return true;
}

static bool decode_table_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!grow_array(r, (void **)&m->tables, (size_t)m->num_tables + cap, sizeof *m->tables))
    return false;
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    if (!read_table_type(r, &m->tables[m->num_tables]))
      return false;
    m->num_tables++;
  }
  return true;
}

static bool decode_memory_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!grow_array(r, (void **)&m->memories, (size_t)m->num_memories + cap, sizeof *m->memories))
    return false;
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    if (!read_memory_limits(r, &m->memories[m->num_memories]))
      return false;
    m->num_memories++;
  }
  return true;
}

static bool decode_global_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!grow_array(r, (void **)&m->global_types, (size_t)m->num_globals + cap, sizeof *m->global_types))
    return false;
  if (!(m->global_inits = alloc_array(cap, sizeof *m->global_inits)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    if (!read_global_type(r, &m->global_types[m->num_globals]))
      return false;
    m->num_globals++;
    if (!read_const_expr(m, r, &m->global_inits[i]))
      return false;
  }
  return true;
}

static bool decode_export_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!(m->exports = alloc_array(cap, sizeof *m->exports)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    Export *e = &m->exports[i];
    m->num_exports = i + 1;
    if (!read_name(r, &e->name, &e->name_len))
      return false;
    const uint8_t *at = r->p;
    if (!read_byte(r, &e->kind))
      return false;
    if (e->kind > EXTERN_GLOBAL)
      return fail_at(r, at, "malformed export kind");
    if (!read_u32(r, &e->index))
      return false;
    if (e->kind == EXTERN_FUNC)
      declare_func(m, e->index);
  }
  return true;
}

static bool decode_start_section(Decoder *d, Reader *r)
{
  d->m->has_start = true;
  return read_u32(r, &d->m->start_func);
}

/*
 * Element segments, by the three bits of their flags:
 *   bit 0: passive or declarative (else active)
 *   bit 1: with bit 0, declarative; without it, an explicit table index
 *   bit 2: items are expressions (else function indices)
 * Forms other than 0 and 4 carry an element kind (0x00 = funcref, for index
 * items) or a reference type (for expression items).
 */
static bool decode_elem_segment(Module *m, Reader *r, ElemSegment *e)
{
  const uint8_t *at = r->p;
  uint32_t flags;
  if (!read_u32(r, &flags))
    return false;
  if (flags > 7)
    return fail_at(r, at, "malformed elements segment kind");
  bool exprs = flags & 4;
  e->elem_type = VAL_FUNCREF;
  e->table_index = 0;
  if (flags & 1) {
    e->mode = (flags & 2) ? SEGMENT_DECLARATIVE : SEGMENT_PASSIVE;
  } else {
    e->mode = SEGMENT_ACTIVE;
    if ((flags & 2) && !read_u32(r, &e->table_index))
      return false;
    if (!read_const_expr(m, r, &e->offset))
      return false;
  }
  if (flags & 3) {
    if (exprs) {
      if (!read_reftype(r, &e->elem_type))
        return false;
    } else {
      at = r->p;
      uint8_t kind = 0;
      if (!read_byte(r, &kind))
        return false;
      if (kind != 0x00)
        return fail_at(r, at, "malformed element kind");
    }
  }
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!(e->items = alloc_array(cap, sizeof *e->items)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    ConstExpr *item = &e->items[i];
    if (exprs) {
      if (!read_const_expr(m, r, item))
        return false;
    } else {
      item->opcode = OP_REF_FUNC;
      if (!read_u32(r, &item->u.index))
        return false;
      declare_func(m, item->u.index);
    }
    e->num_items++;
  }
  return true;
}

static bool decode_element_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (!(m->elems = alloc_array(cap, sizeof *m->elems)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    m->num_elems = i + 1;
    if (!decode_elem_segment(m, r, &m->elems[i]))
      return false;
  }
  return true;
}

static bool decode_data_count_section(Decoder *d, Reader *r)
{
  d->m->has_data_count = true;
  return read_u32(r, &d->m->data_count);
}

/* Local declarations, then the code, which must close with `end`. */
static bool decode_function_body(Module *m, Reader *r, FuncDef *f)
{
  const FuncType *type = &m->types[f->type_index];
  const uint8_t *decls = r->p;
  uint32_t groups;
  if (!read_u32(r, &groups))
    return false;
  uint64_t total = 0;
  for (uint32_t g = 0; g < groups; g++) {
    const uint8_t *at = r->p;
    uint32_t n;
    uint8_t t = 0;
    if (!read_u32(r, &n) || !read_valtype(r, &t))
      return false;
    total += n;
    if (type->num_params + total > MAX_FUNCTION_LOCALS)
      return fail_at(r, at, "too many locals");
  }

  if (r->p >= r->end || r->end[-1] != OP_END) {
    /* No final `end`.  Say what the spec's decoder says: it reads on past
     * the body, so the first malformed instruction wins, then an `else`
     * where the function's `end` belongs, or "section size mismatch" when
     * it finds an `end` after the body. */
    Reader x = *r;
    x.end = r->limit;
    InstrScan s;
    if (!scan_instructions(&x, &s))
      return false;
    return fail_at(r, r->end, "section size mismatch");
  }

  f->num_locals = (uint32_t)total;
  f->local_types = malloc((size_t)type->num_params + f->num_locals + 1);
  if (!f->local_types)
    return fail_at(r, decls, "out of memory");
  memcpy(f->local_types, functype_params(type), type->num_params);
  /* Second pass over the declarations, already checked. */
  const uint8_t *q = decls;
  uint8_t *out = f->local_types + type->num_params;
  leb_skip(&q);
  for (uint32_t g = 0; g < groups; g++) {
    uint32_t n = leb_u32(&q);
    memset(out, *q++, n);
    out += n;
  }
  f->body = r->p;
  f->end = r->end;
  f->body_offset = (uint32_t)(r->p - r->base);
  r->p = r->end;
  return true;
}

static bool decode_code_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  const uint8_t *at = r->p;
  uint32_t count;
  if (!read_u32(r, &count))
    return false;
  uint32_t defined = m->num_funcs - m->num_imported_funcs;
  if (count != defined)
    return fail_at(r, at, "function and code section have inconsistent lengths");
  for (uint32_t i = 0; i < count; i++) {
    at = r->p;
    uint32_t size;
    if (!read_u32(r, &size))
      return false;
    if (size > remaining(r))
      return fail_at(r, at, "length out of bounds");
    Reader body = *r;
    body.end = r->p + size;
    if (!decode_function_body(m, &body, &m->funcs[i]))
      return false;
    r->p = body.end;
  }
  return true;
}

static bool decode_data_section(Decoder *d, Reader *r)
{
  Module *m = d->m;
  const uint8_t *at = r->p;
  uint32_t count, cap;
  if (!read_count(r, &count, &cap))
    return false;
  if (m->has_data_count && count != m->data_count)
    return fail_at(r, at, "data count and data section have inconsistent lengths");
  if (!(m->datas = alloc_array(cap, sizeof *m->datas)))
    return fail_at(r, r->p, "out of memory");
  for (uint32_t i = 0; i < count; i++) {
    if (i >= cap)
      return fail_end(r);
    DataSegment *s = &m->datas[i];
    m->num_datas = i + 1;
    at = r->p;
    uint32_t flags;
    if (!read_u32(r, &flags))
      return false;
    if (flags > 2)
      return fail_at(r, at, "malformed data segment kind");
    s->mode = flags == 1 ? SEGMENT_PASSIVE : SEGMENT_ACTIVE;
    s->memory_index = 0;
    if (flags == 2 && !read_u32(r, &s->memory_index))
      return false;
    if (flags != 1 && !read_const_expr(m, r, &s->offset))
      return false;
    if (!read_u32(r, &s->size))
      return false;
    if (s->size > remaining(r)) {
      r->p = r->end;
      return fail_end(r);
    }
    s->bytes = r->p;
    r->p += s->size;
  }
  return true;
}

/* ---- the "name" section ------------------------------------------------ */

/* Module name (subsection 0) and function names (subsection 1).  Anything
 * ill-formed and the whole section is ignored: names are debug information,
 * never a reason to refuse a module. */
static void decode_name_section(Module *m, const CustomSection *c)
{
  Reader r = {
    .p = c->data, .end = c->data + c->size, .base = m->bytes, .limit = m->bytes + m->size,
    .eof = MSG_END_OF_SECTION, .error = NULL, .error_size = 0,
  };
  char *module_name = NULL;
  char **names = NULL;
  int last_id = -1;

  while (r.p < r.end) {
    uint8_t id = 0;
    uint32_t size;
    if (!read_byte(&r, &id) || !read_u32(&r, &size) || size > remaining(&r) || (int)id <= last_id)
      goto ignore;
    last_id = id;
    Reader sub = r;
    sub.end = r.p + size;
    r.p = sub.end;
    if (id == 0) {
      if (!read_name(&sub, &module_name, NULL))
        goto ignore;
    } else if (id == 1) {
      uint32_t count;
      int64_t last_index = -1;
      if (!read_u32(&sub, &count) || !(names = alloc_array(m->num_funcs, sizeof *names)))
        goto ignore;
      for (uint32_t i = 0; i < count; i++) {
        uint32_t index;
        char *name;
        if (!read_u32(&sub, &index) || index >= m->num_funcs || (int64_t)index <= last_index)
          goto ignore;
        if (!read_name(&sub, &name, NULL))
          goto ignore;
        names[index] = name;
        last_index = index;
      }
    } else {
      sub.p = sub.end; /* local names and later subsections: not kept */
    }
    if (sub.p != sub.end)
      goto ignore;
  }
  m->module_name = module_name;
  m->func_names = names;
  return;

ignore:
  free(module_name);
  if (names) {
    for (uint32_t i = 0; i < m->num_funcs; i++)
      free(names[i]);
    free(names);
  }
}

/* ---- the module -------------------------------------------------------- */

typedef bool (*SectionDecoder)(Decoder *d, Reader *r);

static const SectionDecoder section_decoders[13] = {
  [SECTION_CUSTOM] = decode_custom_section,     [SECTION_TYPE] = decode_type_section,
  [SECTION_IMPORT] = decode_import_section,     [SECTION_FUNCTION] = decode_function_section,
  [SECTION_TABLE] = decode_table_section,       [SECTION_MEMORY] = decode_memory_section,
  [SECTION_GLOBAL] = decode_global_section,     [SECTION_EXPORT] = decode_export_section,
  [SECTION_START] = decode_start_section,       [SECTION_ELEMENT] = decode_element_section,
  [SECTION_CODE] = decode_code_section,         [SECTION_DATA] = decode_data_section,
  [SECTION_DATA_COUNT] = decode_data_count_section,
};

static bool decode_header(Reader *r)
{
  if (remaining(r) < 4)
    return fail_at(r, r->end, "unexpected end");
  if (memcmp(r->p, WASM_MAGIC, 4) != 0)
    return fail_at(r, r->p, "magic header not detected");
  r->p += 4;
  if (remaining(r) < 4)
    return fail_at(r, r->end, "unexpected end");
  uint32_t version = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                     (uint32_t)r->p[3] << 24;
  if (version != WASM_VERSION)
    return fail_at(r, r->p, "unknown binary version");
  r->p += 4;
  return true;
}

static bool decode_sections(Decoder *d)
{
  Reader *r = &d->r;
  Module *m = d->m;
  unsigned last_rank = 0;

  while (r->p < r->end) {
    const uint8_t *start = r->p;
    uint8_t id = *r->p++;
    if (id > SECTION_DATA_COUNT)
      return fail_at(r, start, "malformed section id");
    const uint8_t *size_at = r->p;
    uint32_t size;
    if (!read_u32(r, &size))
      return false;
    if (size > remaining(r))
      return fail_at(r, size_at, "length out of bounds");
    if (id != SECTION_CUSTOM) {
      if (section_rank[id] <= last_rank)
        return fail_at(r, start, "unexpected content after last section");
      last_rank = section_rank[id];
    }
    d->sections_seen |= 1u << id;

    Reader section = *r;
    section.end = r->p + size;
    section.eof = MSG_END_OF_SECTION;
    if (!section_decoders[id](d, &section))
      return false;
    if (section.p != section.end)
      return fail_at(r, section.p, "section size mismatch");
    r->p = section.end;
  }

  /* Sections that must agree with one another. */
  if (!(d->sections_seen & (1u << SECTION_CODE)) && m->num_funcs > m->num_imported_funcs)
    return fail_at(r, r->end, "function and code section have inconsistent lengths");
  if (!(d->sections_seen & (1u << SECTION_DATA)) && m->has_data_count && m->data_count != 0)
    return fail_at(r, r->end, "data count and data section have inconsistent lengths");
  return true;
}

/* A module without some index space still gets an (empty) array for it, so
 * users never test for NULL. */
static bool finish_module(Decoder *d)
{
  Module *m = d->m;
  Reader *r = &d->r;
  if (!m->func_type_index && !(m->func_type_index = alloc_array(0, sizeof *m->func_type_index)))
    return fail_at(r, r->p, "out of memory");
  if (!m->tables && !(m->tables = alloc_array(0, sizeof *m->tables)))
    return fail_at(r, r->p, "out of memory");
  if (!m->memories && !(m->memories = alloc_array(0, sizeof *m->memories)))
    return fail_at(r, r->p, "out of memory");
  if (!m->global_types && !(m->global_types = alloc_array(0, sizeof *m->global_types)))
    return fail_at(r, r->p, "out of memory");
  if (!m->declared_funcs && !(m->declared_funcs = alloc_array((m->num_funcs + 7) / 8, 1)))
    return fail_at(r, r->p, "out of memory");
  if (d->name_section >= 0)
    decode_name_section(m, &m->customs[d->name_section]);
  return true;
}

Module *decode_module(const uint8_t *bytes, size_t size, char *error, uint32_t error_size)
{
  if (error && error_size)
    error[0] = '\0';
  Module *m = calloc(1, sizeof *m);
  if (!m) {
    error_set(error, error_size, "out of memory");
    return NULL;
  }
  m->bytes = malloc(size ? size : 1);
  if (!m->bytes) {
    free(m);
    error_set(error, error_size, "out of memory");
    return NULL;
  }
  if (size)
    memcpy(m->bytes, bytes, size);
  m->size = size;

  Decoder d = {
    .m = m,
    .r = {
      .p = m->bytes, .end = m->bytes + size, .base = m->bytes, .limit = m->bytes + size,
      .eof = "unexpected end", .error = error, .error_size = error_size,
    },
    .sections_seen = 0,
    .name_section = -1,
  };
  if (!decode_header(&d.r) || !decode_sections(&d) || !finish_module(&d)) {
    module_free(m);
    return NULL;
  }
  return m;
}
