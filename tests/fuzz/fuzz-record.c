/*
 * fuzz-record.c -- records of calls and their text (fuzz-record.h).
 */
#include "fuzz-record.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/module.h"

static void *must(void *p)
{
  if (!p) {
    fputs("fuzz: out of memory\n", stderr);
    exit(2);
  }
  return p;
}

void record_init(CallRecord *r, const char *export_name)
{
  memset(r, 0, sizeof *r);
  r->export_name = must(strdup(export_name));
  r->log_hash = r->log_hash_nan = 1469598103934665603ull;
}

void record_set_args(CallRecord *r, uint32_t n, const uint8_t *types, const uint64_t *args)
{
  r->num_args = n;
  r->arg_types = must(calloc(n ? n : 1, 1));
  r->args = must(calloc(n ? n : 1, sizeof *r->args));
  memcpy(r->arg_types, types, n);
  memcpy(r->args, args, n * sizeof *args);
}

static bool is_nan(uint8_t type, uint64_t bits)
{
  if (type == VAL_F32)
    return (bits & 0x7F800000u) == 0x7F800000u && (bits & 0x7FFFFFu);
  if (type == VAL_F64)
    return (bits & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (bits & 0xFFFFFFFFFFFFFull);
  return false;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
  return (h ^ v) * 1099511628211ull;
}

void record_add_log(CallRecord *r, uint8_t type, uint64_t bits)
{
  if (r->num_logs < RECORD_MAX_LOGS) {
    r->log_types[r->num_logs] = type;
    r->logs[r->num_logs] = bits;
  }
  r->num_logs++;
  r->log_hash = mix(mix(r->log_hash, type), bits);
  r->log_hash_nan = mix(mix(r->log_hash_nan, type), is_nan(type, bits) ? 0x7FF8 : bits);
}

void record_free(CallRecord *r)
{
  free(r->export_name);
  free(r->arg_types);
  free(r->args);
  memset(r, 0, sizeof *r);
}

bool record_is_resource_stop(const CallRecord *r)
{
  return r->trapped && (r->trap == TRAP_FUEL_EXHAUSTED || r->trap == TRAP_STACK_EXHAUSTED);
}

const char *record_v8_trap_class(TrapKind kind)
{
  switch (kind) {
  case TRAP_UNREACHABLE:
    return "unreachable";
  case TRAP_MEMORY_OUT_OF_BOUNDS:
    return "memory";
  case TRAP_TABLE_OUT_OF_BOUNDS:
  case TRAP_UNDEFINED_ELEMENT: /* V8: "table index is out of bounds" */
    return "table";
  case TRAP_UNINITIALIZED_ELEMENT:
  case TRAP_INDIRECT_CALL_TYPE_MISMATCH: /* V8: "null function or function signature mismatch" */
    return "indirect";
  case TRAP_INTEGER_DIVIDE_BY_ZERO:
    return "divide";
  case TRAP_INTEGER_OVERFLOW:
  case TRAP_INVALID_CONVERSION: /* V8 words overflow by operation, not by cause */
    return "numeric";
  case TRAP_STACK_EXHAUSTED:
    return "stack";
  default:
    return "other";
  }
}

static const char *type_name(uint8_t type)
{
  switch (type) {
  case VAL_FUNCREF:
    return "funcref";
  case VAL_EXTERNREF:
    return "externref";
  default:
    return valtype_name(type);
  }
}

/* One value: numbers as TYPE:HEX bits ("nan" when the view hides NaN
 * bits); references as null, func:INDEX or ext:N. */
static void print_value(FILE *f, uint8_t type, uint64_t bits, bool nan_any)
{
  if (type == VAL_FUNCREF || type == VAL_EXTERNREF) {
    if (bits == 0)
      fprintf(f, "%s:null", type_name(type));
    else if (bits == 0xF000000000000000ull)
      fprintf(f, "%s:host", type_name(type));
    else
      fprintf(f, "%s:%" PRIu64, type_name(type), (uint64_t)(bits & 0x0FFFFFFFFFFFFFFFull));
    return;
  }
  if (nan_any && is_nan(type, bits))
    fprintf(f, "%s:nan", type_name(type));
  else
    fprintf(f, "%s:%" PRIx64, type_name(type), bits);
}

char *record_render(const CallRecord *r, const RecordView *view)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = must(open_memstream(&text, &len));
  fprintf(f, "call %s(", r->export_name);
  for (uint32_t i = 0; i < r->num_args; i++) {
    if (i)
      fputc(' ', f);
    print_value(f, r->arg_types[i], r->args[i], false);
  }
  fputc(')', f);
  if (r->trapped) {
    if (view->v8)
      fprintf(f, " trap %s\n", record_v8_trap_class(r->trap));
    else
      fprintf(f, " trap %s\n", r->message);
  } else {
    fputs(" ->", f);
    for (uint32_t i = 0; i < r->num_results; i++) {
      fputc(' ', f);
      print_value(f, r->result_types[i], r->results[i], view->nan_any);
    }
    fputc('\n', f);
  }
  uint32_t shown = r->num_logs < RECORD_MAX_LOGS ? r->num_logs : RECORD_MAX_LOGS;
  for (uint32_t i = 0; i < shown; i++) {
    fputs("  log ", f);
    print_value(f, r->log_types[i], r->logs[i], view->nan_any);
    fputc('\n', f);
  }
  if (r->num_logs > shown)
    fprintf(f, "  log %" PRIu32 " calls, hash %016" PRIx64 "\n", r->num_logs,
            view->nan_any ? r->log_hash_nan : r->log_hash);
  if (r->has_memory && (r->memory_exported || !view->v8))
    fprintf(f, "  memory %08" PRIx32 "\n", r->memory_hash);
  if (!view->v8)
    fprintf(f, "  globals %016" PRIx64 " tables %016" PRIx64 "\n", r->globals_hash, r->tables_hash);
  fclose(f);
  return text;
}
