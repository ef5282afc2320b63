/* opcodes.c -- the opcode tables every reader shares. */
#include "opcodes.h"

const OpInfo opcode_info[256] = {
#define OP(sym, code, name, imm, sig) [code] = {name, IMM_##imm, sig},
#include "opcodes.def"
};

const OpInfo opcode_fc_info[OP_FC_COUNT] = {
#define OP_FC(sym, code, name, imm, sig) [code] = {name, IMM_##imm, sig},
#include "opcodes.def"
};
