/* opcodes.h -- opcode numbers and immediate kinds, generated from opcodes.def. */
#ifndef WP_OPCODES_H
#define WP_OPCODES_H

#include <stdint.h>

typedef enum ImmKind {
  IMM_NONE,
  IMM_BLOCKTYPE,     /* s33: 0x40 empty, a value type, or a type index */
  IMM_LABEL,         /* u32 label depth */
  IMM_BR_TABLE,      /* vec(u32) labels, u32 default */
  IMM_FUNC,          /* u32 function index */
  IMM_CALL_INDIRECT, /* u32 type index, u32 table index */
  IMM_LOCAL,         /* u32 local index */
  IMM_GLOBAL,        /* u32 global index */
  IMM_TABLE,         /* u32 table index */
  IMM_MEMARG,        /* u32 align (log2), u32 offset */
  IMM_MEMORY,        /* u32 memory index (0 in Wasm 2.0) */
  IMM_I32,           /* s32 */
  IMM_I64,           /* s64 */
  IMM_F32,           /* 4 bytes little endian */
  IMM_F64,           /* 8 bytes little endian */
  IMM_SELECT_T,      /* vec(valtype), length 1 in Wasm 2.0 */
  IMM_REFTYPE,       /* one reftype byte */
  IMM_DATA,          /* u32 data index */
  IMM_DATA_MEMORY,   /* u32 data index, u32 memory index */
  IMM_MEMORY_MEMORY, /* u32 destination memory, u32 source memory */
  IMM_ELEM,          /* u32 element segment index */
  IMM_ELEM_TABLE,    /* u32 element segment index, u32 table index */
  IMM_TABLE_TABLE,   /* u32 destination table, u32 source table */
} ImmKind;

enum {
#define OP(sym, code, name, imm, sig) OP_##sym = code,
#include "opcodes.def"
  OP_PREFIX_FC = 0xFC,
  OP_PREFIX_FD = 0xFD, /* SIMD: not executed yet */
};

enum {
#define OP_FC(sym, code, name, imm, sig) OP_FC_##sym = code,
#include "opcodes.def"
  OP_FC_COUNT
};

typedef struct OpInfo {
  const char *name; /* NULL for an unassigned opcode */
  uint8_t imm;      /* ImmKind */
  const char *sig;  /* see opcodes.def */
} OpInfo;

/* Indexed by opcode byte, and by the 0xFC sub-opcode. */
extern const OpInfo opcode_info[256];
extern const OpInfo opcode_fc_info[OP_FC_COUNT];

#endif
