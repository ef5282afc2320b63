/*
 * fuzz-record.h -- what the differential fuzzer records of one call, and the
 * text it compares: the same text for every mode, and a narrower "V8 view"
 * that the Node runner (v8-run.mjs) prints too.
 */
#ifndef WP_FUZZ_RECORD_H
#define WP_FUZZ_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/trap.h"

#define RECORD_MAX_RESULTS 16
/* Log calls kept as values; the rest only counted and hashed. */
#define RECORD_MAX_LOGS 64

typedef struct CallRecord {
  char *export_name;
  uint32_t num_args;
  uint8_t *arg_types;
  uint64_t *args;

  bool trapped;
  TrapKind trap;
  char message[200];
  uint32_t num_results;
  uint8_t result_types[RECORD_MAX_RESULTS];
  uint64_t results[RECORD_MAX_RESULTS]; /* bits; references by identity */

  uint32_t num_logs;
  uint8_t log_types[RECORD_MAX_LOGS];
  uint64_t logs[RECORD_MAX_LOGS];
  uint64_t log_hash;       /* over every log call, NaNs as they came */
  uint64_t log_hash_nan;   /* the same with every NaN as one value */

  bool has_memory;
  bool memory_exported;    /* V8 sees it (the V8 view hashes only then) */
  uint32_t memory_hash;    /* after the call (hash_memory) */
  uint64_t globals_hash;
  uint64_t tables_hash;
} CallRecord;

typedef struct RecordView {
  bool nan_any;     /* NaNs print as "nan", whatever their bits */
  bool strict_fuel; /* (read by the comparison, not the rendering) */
  bool v8;          /* what V8 shows too: no globals, tables or messages,
                       trap kinds merged as V8 reports them */
} RecordView;

void record_init(CallRecord *r, const char *export_name);
void record_set_args(CallRecord *r, uint32_t n, const uint8_t *types, const uint64_t *args);
void record_add_log(CallRecord *r, uint8_t type, uint64_t bits);
void record_free(CallRecord *r);

/* A trap for want of fuel or stack: the comparison stops after it. */
bool record_is_resource_stop(const CallRecord *r);

/* The record as text, one or more lines each ending in '\n' (free() it). */
char *record_render(const CallRecord *r, const RecordView *view);

/* The class V8 reports a trap kind as (v8-run.mjs maps its messages to the
 * same names). */
const char *record_v8_trap_class(TrapKind kind);

#endif
