/*
 * compile.c -- the Fast JIT's core: where operand-stack values live, the
 * frame, out-of-line stubs, C helper calls and the instruction loop
 * (compiler.h describes the model).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "compiler.h"
#include "jit_module.h"

static const int gpr_pool[] = {RSI, RDI, R8, R9, R10, R11};
#define NUM_GPR_ALLOC (int)(sizeof gpr_pool / sizeof gpr_pool[0])

void jf_fail(Compiler *c, const char *why)
{
  if (c->error == NULL)
    c->error = why;
}

static bool grow(void **p, uint32_t *cap, uint32_t need, size_t elem, Compiler *c)
{
  if (need <= *cap)
    return true;
  uint32_t n = *cap ? *cap * 2 : 16;
  while (n < need)
    n *= 2;
  void *q = realloc(*p, (size_t)n * elem);
  if (q == NULL) {
    jf_fail(c, "out of memory");
    return false;
  }
  *p = q;
  *cap = n;
  return true;
}

/* --- frame addresses --- */

X64Mem jf_slot(Compiler *c, uint32_t depth)
{
  return x64_mem(RSP, c->sp_adjust + 8 * (int32_t)(c->nlocals + depth));
}

X64Mem jf_local(Compiler *c, uint32_t index)
{
  return x64_mem(RSP, c->sp_adjust + 8 * (int32_t)index);
}

X64Mem jf_results_ptr(Compiler *c)
{
  return x64_mem(RSP, c->sp_adjust + 8 * (int32_t)(c->nlocals + c->def->max_stack));
}

void jf_load_inst(Compiler *c, int reg)
{
  x64_load(&c->b, 8, false, true, reg, x64_mem(REG_ENV, offsetof(ExecEnv, current)));
}

/* --- registers --- */

int jf_alloc_gpr(Compiler *c)
{
  for (int i = 0; i < NUM_GPR_ALLOC; i++)
    if (!(c->gpr_used & (1u << gpr_pool[i]))) {
      c->gpr_used |= 1u << gpr_pool[i];
      return gpr_pool[i];
    }
  /* None free: the deepest value in a register goes to its slot. */
  for (uint32_t i = 0; i < c->depth; i++) {
    Val *v = &c->vs[i];
    if (v->kind == V_REG && !type_is_float(v->type)) {
      int r = v->reg;
      x64_store(&c->b, 8, jf_slot(c, i), r);
      v->kind = V_STACK;
      v->idx = i;
      return r; /* stays marked used, now for the caller */
    }
  }
  jf_fail(c, "out of registers");
  return RSI;
}

int jf_alloc_xmm(Compiler *c)
{
  for (int r = 0; r < NUM_XMM_ALLOC; r++)
    if (!(c->xmm_used & (1u << r))) {
      c->xmm_used |= 1u << r;
      return r;
    }
  for (uint32_t i = 0; i < c->depth; i++) {
    Val *v = &c->vs[i];
    if (v->kind == V_REG && type_is_float(v->type)) {
      int r = v->reg;
      x64_movs_store(&c->b, v->type == VAL_F64, jf_slot(c, i), r);
      v->kind = V_STACK;
      v->idx = i;
      return r;
    }
  }
  jf_fail(c, "out of registers");
  return 0;
}

void jf_free_reg(Compiler *c, uint8_t type, int reg)
{
  if (type_is_float(type))
    c->xmm_used &= ~(1u << reg);
  else
    c->gpr_used &= ~(1u << reg);
}

void jf_free(Compiler *c, const Val *v)
{
  if (v->kind == V_REG)
    jf_free_reg(c, v->type, v->reg);
}

/* --- the operand stack --- */

static Val *push(Compiler *c)
{
  if (!grow((void **)&c->vs, &c->vcap, c->depth + 1, sizeof(Val), c)) {
    static Val sink;
    return &sink;
  }
  Val *v = &c->vs[c->depth++];
  memset(v, 0, sizeof *v);
  return v;
}

void jf_push_reg(Compiler *c, uint8_t type, int reg)
{
  Val *v = push(c);
  v->kind = V_REG;
  v->type = type;
  v->reg = (uint8_t)reg;
}

void jf_push_const(Compiler *c, uint8_t type, uint64_t imm)
{
  Val *v = push(c);
  v->kind = V_CONST;
  v->type = type;
  v->imm = type == VAL_I32 || type == VAL_F32 ? (uint32_t)imm : imm;
}

void jf_push_flags(Compiler *c, X64Cond cc)
{
  Val *v = push(c);
  v->kind = V_FLAGS;
  v->type = VAL_I32;
  v->cc = (uint8_t)cc;
}

void jf_push_stack(Compiler *c, uint8_t type)
{
  uint32_t d = c->depth;
  Val *v = push(c);
  v->kind = V_STACK;
  v->type = type;
  v->idx = d;
}

static void push_local(Compiler *c, uint8_t type, uint32_t index)
{
  Val *v = push(c);
  v->kind = V_LOCAL;
  v->type = type;
  v->idx = index;
}

Val jf_pop(Compiler *c)
{
  if (c->depth == 0) {
    jf_fail(c, "operand stack underflow");
    Val none;
    memset(&none, 0, sizeof none);
    none.kind = V_CONST;
    none.type = VAL_I32;
    return none;
  }
  return c->vs[--c->depth];
}

Val *jf_top(Compiler *c)
{
  return c->depth ? &c->vs[c->depth - 1] : NULL;
}

int jf_pinned(Compiler *c, uint32_t index)
{
  for (unsigned i = 0; i < c->npins; i++)
    if (c->pin_local[i] == index)
      return c->pin_reg[i];
  return -1;
}

bool jf_mem_of(Compiler *c, const Val *v, X64Mem *m)
{
  if (v->kind == V_STACK) {
    *m = jf_slot(c, v->idx);
    return true;
  }
  if (v->kind == V_LOCAL && jf_pinned(c, v->idx) < 0) {
    *m = jf_local(c, v->idx);
    return true;
  }
  return false;
}

static void load_mem(Compiler *c, uint8_t type, int reg, X64Mem m)
{
  switch (type) {
  case VAL_I32:
    x64_load(&c->b, 4, false, false, reg, m);
    break;
  case VAL_F32:
    x64_movs_load(&c->b, false, reg, m);
    break;
  case VAL_F64:
    x64_movs_load(&c->b, true, reg, m);
    break;
  default:
    x64_load(&c->b, 8, false, true, reg, m);
  }
}

/* Puts v (not a register value) into reg; the flags survive unless v is
 * itself the flags. */
static void materialize(Compiler *c, Val *v, int reg)
{
  X64Mem m;
  if (v->kind == V_FLAGS) {
    x64_setcc(&c->b, (X64Cond)v->cc, reg);
    x64_movzx_r8(&c->b, reg, reg);
  } else if (v->kind == V_CONST) {
    if (type_is_float(v->type)) {
      if (v->imm == 0) {
        x64_bits_rr(&c->b, BITS_XOR, false, reg, reg);
      } else {
        x64_mov_ri(&c->b, RAX, v->imm);
        x64_movd_to_xmm(&c->b, v->type == VAL_F64, reg, RAX);
      }
    } else {
      x64_mov_ri(&c->b, reg, v->imm);
    }
  } else if (jf_mem_of(c, v, &m)) {
    load_mem(c, v->type, reg, m);
  } else if (v->kind == V_LOCAL) { /* pinned; read as v's type */
    int p = jf_pinned(c, v->idx);
    if (type_is_float(v->type))
      x64_movd_to_xmm(&c->b, v->type == VAL_F64, reg, p);
    else
      x64_mov_rr(&c->b, type_is_64(v->type), reg, p);
  }
}

int jf_read_reg(Compiler *c, Val *v)
{
  if (v->kind == V_LOCAL && !type_is_float(v->type)) {
    int p = jf_pinned(c, v->idx);
    if (p >= 0)
      return p;
  }
  return jf_to_reg(c, v);
}

int jf_to_reg(Compiler *c, Val *v)
{
  if (v->kind == V_REG)
    return v->reg;
  int r = type_is_float(v->type) ? jf_alloc_xmm(c) : jf_alloc_gpr(c);
  materialize(c, v, r);
  v->kind = V_REG;
  v->reg = (uint8_t)r;
  return r;
}

void jf_load_into(Compiler *c, Val *v, int reg)
{
  if (v->kind == V_REG) {
    if (v->reg != reg) {
      if (type_is_float(v->type))
        x64_movaps(&c->b, reg, v->reg);
      else
        x64_mov_rr(&c->b, type_is_64(v->type), reg, v->reg);
    }
    jf_free(c, v);
  } else {
    materialize(c, v, reg);
  }
  v->kind = V_REG;
  v->reg = (uint8_t)reg;
}

static void spill(Compiler *c, uint32_t i)
{
  Val *v = &c->vs[i];
  X64Mem slot = jf_slot(c, i);
  X64Mem m;
  switch (v->kind) {
  case V_STACK:
    return;
  case V_REG:
    if (type_is_float(v->type))
      x64_movs_store(&c->b, v->type == VAL_F64, slot, v->reg);
    else
      x64_store(&c->b, 8, slot, v->reg);
    jf_free(c, v);
    break;
  case V_CONST:
    if (!type_is_64(v->type)) {
      x64_store_imm(&c->b, 4, slot, (int32_t)(uint32_t)v->imm);
    } else if ((int64_t)v->imm >= INT32_MIN && (int64_t)v->imm <= INT32_MAX) {
      x64_store_imm(&c->b, 8, slot, (int32_t)v->imm);
    } else {
      x64_mov_ri(&c->b, RAX, v->imm);
      x64_store(&c->b, 8, slot, RAX);
    }
    break;
  case V_LOCAL:
    if (jf_mem_of(c, v, &m)) {
      x64_load(&c->b, 8, false, true, RAX, m);
      x64_store(&c->b, 8, slot, RAX);
    } else {
      x64_store(&c->b, 8, slot, jf_pinned(c, v->idx));
    }
    break;
  case V_FLAGS:
    x64_setcc(&c->b, (X64Cond)v->cc, RAX);
    x64_movzx_r8(&c->b, RAX, RAX);
    x64_store(&c->b, 4, slot, RAX);
    break;
  }
  v->kind = V_STACK;
  v->idx = i;
}

void jf_spill_all(Compiler *c)
{
  for (uint32_t i = 0; i < c->depth; i++)
    spill(c, i);
}

void jf_materialize_flags(Compiler *c)
{
  Val *v = jf_top(c);
  if (v && v->kind == V_FLAGS)
    jf_to_reg(c, v);
}

void jf_detach_local(Compiler *c, uint32_t index)
{
  for (uint32_t i = 0; i < c->depth; i++) {
    Val *v = &c->vs[i];
    if (v->kind == V_LOCAL && v->idx == index)
      jf_to_reg(c, v);
  }
}

/* --- branches, stubs, calls --- */

void jf_patch_add(Compiler *c, uint32_t *list, size_t at)
{
  if (!grow((void **)&c->patches, &c->patchcap, c->npatches + 1, sizeof(Patch), c))
    return;
  c->patches[c->npatches] = (Patch){at, *list};
  *list = c->npatches++;
}

void jf_patch_bind(Compiler *c, uint32_t list, size_t target)
{
  for (uint32_t i = list; i != UINT32_MAX; i = c->patches[i].next)
    x64_patch_rel32(&c->b, c->patches[i].at, target);
}

void jf_stub(Compiler *c, size_t at, size_t back, uint8_t kind)
{
  if (!grow((void **)&c->stubs, &c->stubcap, c->nstubs + 1, sizeof(Stub), c))
    return;
  c->stubs[c->nstubs++] = (Stub){at, back, kind};
}

void jf_trap_if(Compiler *c, X64Cond cc, TrapKind kind)
{
  jf_stub(c, x64_jcc32(&c->b, cc), SIZE_MAX, (uint8_t)kind);
}

void jf_call_abs(Compiler *c, const void *fn)
{
  x64_mov_ri(&c->b, RAX, (uint64_t)(uintptr_t)fn);
  x64_call_r(&c->b, RAX);
}

#define POLL_STUB 0xFF

void jf_poll(Compiler *c)
{
  X64Buf *b = &c->b;
  x64_load(b, 8, false, true, RAX, x64_mem(REG_ENV, offsetof(ExecEnv, instance)));
  x64_load(b, 4, false, false, RAX, x64_mem(RAX, offsetof(Instance, interrupt)));
  jf_load_inst(c, RCX);
  x64_alu_rm(b, ALU_OR, false, RAX, x64_mem(RCX, offsetof(Instance, interrupt)));
  size_t j1 = x64_jcc32(b, CC_NE);
  x64_alu_mi(b, ALU_CMP, true, x64_mem(REG_ENV, offsetof(ExecEnv, fuel)), 0);
  size_t j2 = x64_jcc32(b, CC_GE);
  jf_stub(c, j1, b->len, POLL_STUB);
  jf_stub(c, j2, b->len, POLL_STUB);
}

static const int arg_gprs[] = {RDI, RSI, RDX, RCX, R8, R9};

void jf_helper(Compiler *c, const void *fn, uint32_t nimm, const uint64_t *imms, uint32_t n,
               uint8_t result)
{
  X64Buf *b = &c->b;
  jf_spill_all(c);
  uint32_t base = c->depth - n;
  int ni = 0, nf = 0;
  x64_mov_rr(b, true, arg_gprs[ni++], REG_ENV);
  for (uint32_t i = 0; i < nimm; i++)
    x64_mov_ri(b, arg_gprs[ni++], imms[i]);
  for (uint32_t i = 0; i < n; i++) {
    Val *v = &c->vs[base + i];
    if (type_is_float(v->type))
      load_mem(c, v->type, nf++, jf_slot(c, base + i));
    else
      load_mem(c, v->type, arg_gprs[ni++], jf_slot(c, base + i));
  }
  c->depth = base;
  jf_call_abs(c, fn);
  if (result == 0)
    return;
  if (type_is_float(result)) {
    int r = jf_alloc_xmm(c);
    if (r != 0)
      x64_movaps(b, r, 0);
    jf_push_reg(c, result, r);
  } else {
    int r = jf_alloc_gpr(c);
    x64_mov_rr(b, type_is_64(result), r, RAX);
    jf_push_reg(c, result, r);
  }
}

/* --- locals and globals live here too: they are the value tracking's
 *     own business --- */

static uint8_t local_type(Compiler *c, uint32_t index)
{
  return c->def->local_types[index];
}

static bool locals_and_stack(Compiler *c, uint8_t op, const uint8_t **pc)
{
  X64Buf *b = &c->b;
  switch (op) {
  case OP_NOP:
    return true;
  case OP_DROP: {
    Val v = jf_pop(c);
    jf_free(c, &v);
    return true;
  }
  case OP_LOCAL_GET: {
    uint32_t i = leb_u32(pc);
    push_local(c, local_type(c, i), i);
    return true;
  }
  case OP_LOCAL_SET:
  case OP_LOCAL_TEE: {
    uint32_t i = leb_u32(pc);
    Val v = jf_pop(c);
    if (v.kind == V_LOCAL && v.idx == i) { /* x = x */
      if (op == OP_LOCAL_TEE)
        push_local(c, v.type, i);
      return true;
    }
    jf_detach_local(c, i);
    int pin = jf_pinned(c, i);
    if (pin >= 0) {
      bool w = type_is_64(v.type);
      X64Mem vm;
      int from = v.kind == V_LOCAL ? jf_pinned(c, v.idx) : -1;
      if (v.kind == V_CONST)
        x64_mov_ri(b, pin, v.imm);
      else if (from >= 0)
        x64_mov_rr(b, w, pin, from);
      else if (jf_mem_of(c, &v, &vm))
        x64_load(b, w ? 8 : 4, false, w, pin, vm);
      else
        x64_mov_rr(b, w, pin, jf_to_reg(c, &v));
      jf_free(c, &v);
      if (op == OP_LOCAL_TEE)
        push_local(c, v.type, i);
      return true;
    }
    X64Mem m = jf_local(c, i);
    if (v.kind == V_CONST && (!type_is_64(v.type) || ((int64_t)v.imm >= INT32_MIN &&
                                                       (int64_t)v.imm <= INT32_MAX))) {
      x64_store_imm(b, 8, m, (int32_t)v.imm);
      if (op == OP_LOCAL_TEE)
        jf_push_const(c, v.type, v.imm);
      return true;
    }
    int r = jf_to_reg(c, &v);
    if (type_is_float(v.type))
      x64_movs_store(b, v.type == VAL_F64, m, r);
    else
      x64_store(b, 8, m, r);
    if (op == OP_LOCAL_TEE)
      jf_push_reg(c, v.type, r);
    else
      jf_free(c, &v);
    return true;
  }
  case OP_GLOBAL_GET:
  case OP_GLOBAL_SET: {
    uint32_t i = leb_u32(pc);
    uint8_t type = c->m->global_types[i].type;
    if (op == OP_GLOBAL_GET) {
      int r = type_is_float(type) ? jf_alloc_xmm(c) : jf_alloc_gpr(c);
      jf_load_inst(c, RAX);
      x64_load(b, 8, false, true, RAX, x64_mem(RAX, offsetof(Instance, globals)));
      x64_load(b, 8, false, true, RAX, x64_mem(RAX, 8 * (int32_t)i));
      load_mem(c, type, r, x64_mem(RAX, offsetof(GlobalInst, value)));
      jf_push_reg(c, type, r);
    } else {
      Val v = jf_pop(c);
      int r = jf_to_reg(c, &v);
      jf_load_inst(c, RAX);
      x64_load(b, 8, false, true, RAX, x64_mem(RAX, offsetof(Instance, globals)));
      x64_load(b, 8, false, true, RAX, x64_mem(RAX, 8 * (int32_t)i));
      X64Mem m = x64_mem(RAX, offsetof(GlobalInst, value));
      if (type_is_float(type)) {
        /* the whole slot: an f32 global's upper half stays zero */
        if (type == VAL_F32)
          x64_store_imm(b, 8, m, 0);
        x64_movs_store(b, type == VAL_F64, m, r);
      } else {
        x64_store(b, 8, m, r);
      }
      jf_free(c, &v);
    }
    return true;
  }
  default:
    return false;
  }
}

/* --- skipping dead code --- */

static void skip_imm(const uint8_t **pc, uint8_t imm)
{
  switch (imm) {
  case IMM_NONE:
    break;
  case IMM_BR_TABLE: {
    uint32_t n = leb_u32(pc);
    for (uint32_t i = 0; i <= n; i++)
      leb_skip(pc);
    break;
  }
  case IMM_SELECT_T: {
    uint32_t n = leb_u32(pc);
    *pc += n;
    break;
  }
  case IMM_MEMARG:
  case IMM_CALL_INDIRECT:
  case IMM_DATA_MEMORY:
  case IMM_MEMORY_MEMORY:
  case IMM_ELEM_TABLE:
  case IMM_TABLE_TABLE:
    leb_skip(pc);
    leb_skip(pc);
    break;
  case IMM_F32:
    *pc += 4;
    break;
  case IMM_F64:
    *pc += 8;
    break;
  case IMM_REFTYPE:
    *pc += 1;
    break;
  default: /* one LEB (block types, indices, integer constants) */
    leb_skip(pc);
  }
}

/* --- one function --- */

/* A quick look at the body before the pass: whether it has a load or store
 * (they address memory 0 through r14, which is then saved: functions
 * without any keep a smaller frame), and, in a function with a loop, which
 * integer locals are used most (up to three live in rbx, r12, r13). */
static void scan_body(Compiler *c)
{
  static const int pin_regs[] = {RBX, R12, R13};
  const FuncDef *def = c->def;
  uint32_t *uses = calloc(c->nlocals ? c->nlocals : 1, sizeof *uses);
  bool has_loop = false;
  const uint8_t *pc = def->body;
  while (pc < def->end) {
    uint8_t op = *pc++;
    if (op >= OP_I32_LOAD && op <= OP_I64_STORE32)
      c->uses_memory = true;
    if (op == OP_LOOP)
      has_loop = true;
    if (op == OP_PREFIX_FC) {
      uint32_t sub = leb_u32(&pc);
      skip_imm(&pc, sub < OP_FC_COUNT ? opcode_fc_info[sub].imm : IMM_NONE);
    } else if (op == OP_LOCAL_GET || op == OP_LOCAL_SET || op == OP_LOCAL_TEE) {
      uint32_t i = leb_u32(&pc);
      if (uses && i < c->nlocals)
        uses[i]++;
    } else {
      skip_imm(&pc, opcode_info[op].imm);
    }
  }
  if (c->m->num_memories == 0)
    c->uses_memory = false;
  if (has_loop && uses) {
    while (c->npins < 3) {
      uint32_t best = UINT32_MAX, count = 2; /* a local used once or twice is not worth it */
      for (uint32_t i = 0; i < c->nlocals; i++) {
        uint8_t t = def->local_types[i];
        if ((t == VAL_I32 || t == VAL_I64) && uses[i] > count) {
          best = i;
          count = uses[i];
        }
      }
      if (best == UINT32_MAX)
        break;
      uses[best] = 0;
      c->pin_local[c->npins] = best;
      c->pin_reg[c->npins] = (uint8_t)pin_regs[c->npins];
      c->npins++;
    }
  }
  free(uses);
}

static void prologue(Compiler *c)
{
  X64Buf *b = &c->b;
  const FuncType *t = c->type;
  x64_push(b, R15);
  if (c->uses_memory)
    x64_push(b, R14);
  for (unsigned i = 0; i < c->npins; i++)
    x64_push(b, c->pin_reg[i]);
  x64_alu_ri(b, ALU_SUB, true, RSP, (int32_t)c->frame);
  x64_mov_rr(b, true, REG_ENV, RDI);
  x64_alu_rm(b, ALU_CMP, true, RSP, x64_mem(REG_ENV, offsetof(ExecEnv, native_stack_limit)));
  jf_trap_if(c, CC_B, TRAP_STACK_EXHAUSTED);
  if (c->uses_memory) {
    jf_load_inst(c, RAX);
    x64_load(b, 8, false, true, RAX, x64_mem(RAX, offsetof(Instance, memories)));
    x64_load(b, 8, false, true, RAX, x64_mem(RAX, 0));
    x64_load(b, 8, false, true, REG_MEMBASE, x64_mem(RAX, offsetof(Memory, base)));
  }

  /* The parameters into their local slots, as the C ABI passed them. */
  int32_t incoming = (int32_t)c->frame + 8 * (int32_t)(1 + c->uses_memory + c->npins) + 8;
  int ni = 1, nf = 0, nstack = 0;
  for (uint32_t i = 0; i < t->num_params; i++) {
    uint8_t pt = functype_params(t)[i];
    X64Mem dst = jf_local(c, i);
    int pin = jf_pinned(c, i);
    if (pin >= 0) { /* an i32 zero-extended: the ABI leaves the upper half undefined */
      bool w = type_is_64(pt);
      if (ni < 6)
        x64_mov_rr(b, w, pin, arg_gprs[ni++]);
      else
        x64_load(b, w ? 8 : 4, false, w, pin, x64_mem(RSP, incoming + 8 * nstack++));
      continue;
    }
    if (type_is_float(pt)) {
      if (nf < 8) {
        x64_movs_store(b, pt == VAL_F64, dst, nf++);
        continue;
      }
    } else if (ni < 6) {
      x64_store(b, 8, dst, arg_gprs[ni++]);
      continue;
    }
    x64_load(b, 8, false, true, RAX, x64_mem(RSP, incoming + 8 * nstack++));
    x64_store(b, 8, dst, RAX);
  }
  if (t->num_results >= 2) {
    if (ni < 6) {
      x64_store(b, 8, jf_results_ptr(c), arg_gprs[ni]);
    } else {
      x64_load(b, 8, false, true, RAX, x64_mem(RSP, incoming + 8 * nstack));
      x64_store(b, 8, jf_results_ptr(c), RAX);
    }
  }
  uint32_t zero = c->nlocals - t->num_params;
  if (zero <= 8) {
    for (uint32_t i = 0; i < zero; i++)
      x64_store_imm(b, 8, jf_local(c, t->num_params + i), 0);
  } else {
    x64_alu_rr(b, ALU_XOR, false, RAX, RAX);
    x64_lea(b, true, RDI, jf_local(c, t->num_params));
    x64_mov_ri(b, RCX, zero);
    x64_rep_stosq(b);
  }
  for (unsigned i = 0; i < c->npins; i++)
    if (c->pin_local[i] >= t->num_params)
      x64_mov_ri(b, c->pin_reg[i], 0);
  jf_poll(c);
}

static void epilogue_and_stubs(Compiler *c)
{
  X64Buf *b = &c->b;
  jf_patch_bind(c, c->ret_jumps, b->len);
  x64_alu_ri(b, ALU_ADD, true, RSP, (int32_t)c->frame);
  for (unsigned i = c->npins; i-- > 0;)
    x64_pop(b, c->pin_reg[i]);
  if (c->uses_memory)
    x64_pop(b, R14);
  x64_pop(b, R15);
  x64_ret(b);

  size_t trap_at[TRAP_COUNT];
  for (int k = 0; k < TRAP_COUNT; k++)
    trap_at[k] = SIZE_MAX;
  for (uint32_t i = 0; i < c->nstubs; i++) {
    Stub *s = &c->stubs[i];
    if (s->kind == POLL_STUB) {
      x64_patch_rel32(b, s->at, b->len);
      x64_mov_rr(b, true, RDI, REG_ENV);
      jf_call_abs(c, (const void *)runtime_check_interrupt);
      x64_jmp_to(b, s->back);
      continue;
    }
    if (trap_at[s->kind] == SIZE_MAX) {
      trap_at[s->kind] = b->len;
      x64_mov_rr(b, true, RDI, REG_ENV);
      x64_mov_ri(b, RSI, s->kind);
      jf_call_abs(c, (const void *)trap_raise);
      x64_ud2(b);
    }
    x64_patch_rel32(b, s->at, trap_at[s->kind]);
  }
}

static bool compile_body(Compiler *c)
{
  const uint8_t *pc = c->def->body;
  const uint8_t *end = c->def->end;
  while (pc < end && c->error == NULL && !c->b.failed) {
    if (c->b.len > c->max_bytes) {
      jf_fail(c, "function too large for the Fast JIT");
      break;
    }
    uint8_t op = *pc++;
    if (c->unreachable) {
      if (op == OP_BLOCK || op == OP_LOOP || op == OP_IF) {
        leb_skip(&pc);
        c->dead_depth++;
        continue;
      }
      if (op == OP_END && c->dead_depth > 0) {
        c->dead_depth--;
        continue;
      }
      if (!((op == OP_ELSE || op == OP_END) && c->dead_depth == 0)) {
        if (op == OP_PREFIX_FC) {
          uint32_t sub = leb_u32(&pc);
          skip_imm(&pc, sub < OP_FC_COUNT ? opcode_fc_info[sub].imm : IMM_NONE);
        } else {
          skip_imm(&pc, opcode_info[op].imm);
        }
        continue;
      }
    }
    Val *top = jf_top(c);
    if (top && top->kind == V_FLAGS && op != OP_BR_IF && op != OP_IF && op != OP_SELECT &&
        op != OP_SELECT_T && op != OP_I32_EQZ)
      jf_materialize_flags(c);
    if (op == OP_PREFIX_FC) {
      uint32_t sub = leb_u32(&pc);
      if (!jf_numeric_fc(c, sub) && !jf_memory_fc(c, sub, &pc))
        jf_fail(c, "unsupported 0xFC instruction");
      continue;
    }
    if (!locals_and_stack(c, op, &pc) && !jf_control(c, op, &pc) && !jf_numeric(c, op, &pc) &&
        !jf_memory(c, op, &pc) && !jf_calls(c, op, &pc))
      jf_fail(c, "unsupported instruction");
  }
  return c->error == NULL && !c->b.failed;
}

bool jf_compile_function(JitModule *jm, uint32_t def_index, size_t max_bytes, X64Buf *out,
                         const char **why)
{
  Compiler c;
  memset(&c, 0, sizeof c);
  x64_init(&c.b);
  c.m = jm->m;
  c.jm = jm;
  c.def = &jm->m->funcs[def_index];
  c.func_index = jm->m->num_imported_funcs + def_index;
  c.type = &jm->m->types[c.def->type_index];
  c.bounds_checks = jm->bounds_checks;
  c.max_bytes = max_bytes;
  c.nlocals = c.type->num_params + c.def->num_locals;
  c.ret_jumps = UINT32_MAX;
  if ((uint64_t)c.nlocals + c.def->max_stack > (1u << 24)) {
    *why = "function frame too large for the Fast JIT";
    return false;
  }
  scan_body(&c);
  /* locals, slots, the results pointer; rsp 16-aligned after the return
   * address and the saved registers */
  uint32_t pushed = 8 + 8 * (1 + c.uses_memory + c.npins);
  c.frame = 8 * (c.nlocals + c.def->max_stack + (c.type->num_results >= 2 ? 1 : 0));
  if ((pushed + c.frame) % 16)
    c.frame += 8;
  prologue(&c);
  jf_control_init(&c);
  bool ok = compile_body(&c);
  if (ok) {
    epilogue_and_stubs(&c);
    ok = c.error == NULL && !c.b.failed;
  }
  if (!ok)
    *why = c.error ? c.error : "out of memory";
  free(c.vs);
  free(c.ctl);
  free(c.patches);
  free(c.stubs);
  if (ok)
    *out = c.b;
  else
    x64_free(&c.b);
  return ok;
}
