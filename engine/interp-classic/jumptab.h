/*
 * jumptab.h -- the classic interpreter's dispatch (Lua's ljumptab.h idea).
 *
 * The loop is written once with vmdispatch/vmcase/vmbreak; with GCC or clang
 * they become threaded code (labels as values: each handler jumps straight to
 * the next one, which predicts better than one shared indirect jump), else a
 * plain switch.  Build with -DWP_INTERP_COMPUTED_GOTO=0 to force the switch.
 *
 * Included inside interp_classic_call, after the handlers' labels are in
 * scope, only in the computed-goto build.
 */
#ifndef WP_INTERP_COMPUTED_GOTO
#error "include jumptab.h from interp_classic.c only"
#endif

#if WP_INTERP_COMPUTED_GOTO

#undef vmdispatch
#undef vmcase
#undef vmbreak
#undef vmdefault

#define vmdispatch(x) goto *dispatch_table[x];
#define vmcase(op) L_##op:
#define vmbreak goto *dispatch_table[*pc++]
#define vmdefault L_ILLEGAL:

/* Every byte starts as "illegal", then each opcode of opcodes.def gets its
 * handler: overriding the range initialiser is the point here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#if defined(__clang__)
#pragma GCC diagnostic ignored "-Winitializer-overrides"
#endif
static const void *const dispatch_table[256] = {
  [0 ... 255] = &&L_ILLEGAL,
#define OP(sym, code, name, imm, sig) [code] = &&L_OP_##sym,
#include "../common/opcodes.def"
  [OP_PREFIX_FC] = &&L_OP_PREFIX_FC,
};
#pragma GCC diagnostic pop

#endif
