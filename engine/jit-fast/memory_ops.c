/*
 * memory_ops.c -- loads, stores, memory.size/grow, and the bulk memory and
 * table instructions (0xFC), the latter through the runtime's helpers.
 *
 * Addresses: r14 holds the base of memory 0 (it never moves, contract 4)
 * and an i32 address register is zero-extended, so base + address + offset
 * is one x86 operand.  With guard pages (the default) that is the whole
 * access: anything past the memory faults into the guard region and the
 * fault handler traps.  Without them (bounds_checks) each access compares
 * address + offset + size with the memory's current size first.
 */
#include "../common/leb128.h"
#include "../common/opcodes.h"
#include "compiler.h"
#include "helpers.h"

/* Traps unless [ea, ea + size) is inside memory 0, where ea is in RAX
 * already advanced by size. */
static void check_end_in_rax(Compiler *c)
{
  X64Buf *b = &c->b;
  jf_load_inst(c, RCX);
  x64_load(b, 8, false, true, RCX, x64_mem(RCX, offsetof(Instance, memories)));
  x64_load(b, 8, false, true, RCX, x64_mem(RCX, 0));
  x64_alu_rm(b, ALU_CMP, true, RAX, x64_mem(RCX, offsetof(Memory, size)));
  jf_trap_if(c, CC_A, TRAP_MEMORY_OUT_OF_BOUNDS);
}

/* The operand for `size` bytes at addr + offset (addr is consumed: its
 * register, if any, stays allocated for the caller to reuse or free). */
static X64Mem address(Compiler *c, Val *addr, uint32_t offset, int size)
{
  X64Buf *b = &c->b;
  if (addr->kind == V_CONST) {
    uint64_t ea = (uint32_t)addr->imm + (uint64_t)offset;
    if (c->bounds_checks) {
      x64_mov_ri(b, RAX, ea + (uint64_t)size);
      check_end_in_rax(c);
    }
    if (ea <= INT32_MAX)
      return x64_mem(REG_MEMBASE, (int32_t)ea);
    x64_mov_ri(b, RAX, ea);
    return x64_mem_idx(REG_MEMBASE, RAX, 1, 0);
  }
  int ra = jf_read_reg(c, addr);
  if (c->bounds_checks) {
    uint64_t end = (uint64_t)offset + (uint64_t)size;
    if (end <= INT32_MAX) {
      x64_lea(b, true, RAX, x64_mem(ra, (int32_t)end));
    } else {
      x64_mov_ri(b, RAX, end);
      x64_alu_rr(b, ALU_ADD, true, RAX, ra);
    }
    check_end_in_rax(c);
  }
  if (offset <= INT32_MAX)
    return x64_mem_idx(REG_MEMBASE, ra, 1, (int32_t)offset);
  x64_mov_ri(b, RAX, offset);
  x64_alu_rr(b, ALU_ADD, true, RAX, ra);
  return x64_mem_idx(REG_MEMBASE, RAX, 1, 0);
}

static void load(Compiler *c, const uint8_t **pc, uint8_t type, int size, bool sign)
{
  leb_skip(pc); /* alignment: a hint */
  uint32_t offset = leb_u32(pc);
  Val a = jf_pop(c);
  if (type_is_float(type)) {
    int d = jf_alloc_xmm(c);
    X64Mem m = address(c, &a, offset, size);
    x64_movs_load(&c->b, type == VAL_F64, d, m);
    jf_free(c, &a);
    jf_push_reg(c, type, d);
    return;
  }
  int d;
  if (a.kind == V_CONST)
    d = jf_alloc_gpr(c);
  else
    d = jf_to_reg(c, &a); /* the result replaces the address */
  X64Mem m = address(c, &a, offset, size);
  x64_load(&c->b, size, sign, type == VAL_I64, d, m);
  jf_push_reg(c, type, d);
}

static void store(Compiler *c, const uint8_t **pc, uint8_t type, int size)
{
  leb_skip(pc);
  uint32_t offset = leb_u32(pc);
  Val v = jf_pop(c);
  Val a = jf_pop(c);
  bool imm = v.kind == V_CONST && !type_is_float(type) &&
             (size < 8 || ((int64_t)v.imm >= INT32_MIN && (int64_t)v.imm <= INT32_MAX));
  bool fimm = v.kind == V_CONST && type_is_float(type) &&
              (type == VAL_F32 || ((int64_t)v.imm >= INT32_MIN && (int64_t)v.imm <= INT32_MAX));
  int rv = -1;
  if (!imm && !fimm)
    rv = jf_to_reg(c, &v);
  X64Mem m = address(c, &a, offset, size);
  if (imm || fimm)
    x64_store_imm(&c->b, size, m, (int32_t)v.imm);
  else if (type_is_float(type))
    x64_movs_store(&c->b, type == VAL_F64, m, rv);
  else
    x64_store(&c->b, size, m, rv);
  jf_free(c, &v);
  jf_free(c, &a);
}

bool jf_memory(Compiler *c, uint8_t op, const uint8_t **pc)
{
  switch (op) {
  case OP_I32_LOAD: load(c, pc, VAL_I32, 4, false); return true;
  case OP_I64_LOAD: load(c, pc, VAL_I64, 8, false); return true;
  case OP_F32_LOAD: load(c, pc, VAL_F32, 4, false); return true;
  case OP_F64_LOAD: load(c, pc, VAL_F64, 8, false); return true;
  case OP_I32_LOAD8_S: load(c, pc, VAL_I32, 1, true); return true;
  case OP_I32_LOAD8_U: load(c, pc, VAL_I32, 1, false); return true;
  case OP_I32_LOAD16_S: load(c, pc, VAL_I32, 2, true); return true;
  case OP_I32_LOAD16_U: load(c, pc, VAL_I32, 2, false); return true;
  case OP_I64_LOAD8_S: load(c, pc, VAL_I64, 1, true); return true;
  case OP_I64_LOAD8_U: load(c, pc, VAL_I64, 1, false); return true;
  case OP_I64_LOAD16_S: load(c, pc, VAL_I64, 2, true); return true;
  case OP_I64_LOAD16_U: load(c, pc, VAL_I64, 2, false); return true;
  case OP_I64_LOAD32_S: load(c, pc, VAL_I64, 4, true); return true;
  case OP_I64_LOAD32_U: load(c, pc, VAL_I32, 4, false); c->vs[c->depth - 1].type = VAL_I64; return true;
  case OP_I32_STORE: store(c, pc, VAL_I32, 4); return true;
  case OP_I64_STORE: store(c, pc, VAL_I64, 8); return true;
  case OP_F32_STORE: store(c, pc, VAL_F32, 4); return true;
  case OP_F64_STORE: store(c, pc, VAL_F64, 8); return true;
  case OP_I32_STORE8: store(c, pc, VAL_I32, 1); return true;
  case OP_I32_STORE16: store(c, pc, VAL_I32, 2); return true;
  case OP_I64_STORE8: store(c, pc, VAL_I64, 1); return true;
  case OP_I64_STORE16: store(c, pc, VAL_I64, 2); return true;
  case OP_I64_STORE32: store(c, pc, VAL_I64, 4); return true;
  case OP_MEMORY_SIZE: {
    leb_skip(pc);
    int r = jf_alloc_gpr(c);
    jf_load_inst(c, RAX);
    x64_load(&c->b, 8, false, true, RAX, x64_mem(RAX, offsetof(Instance, memories)));
    x64_load(&c->b, 8, false, true, RAX, x64_mem(RAX, 0));
    x64_load(&c->b, 4, false, false, r, x64_mem(RAX, offsetof(Memory, pages)));
    jf_push_reg(c, VAL_I32, r);
    return true;
  }
  case OP_MEMORY_GROW:
    leb_skip(pc);
    jf_helper(c, (const void *)jfh_memory_grow, 0, NULL, 1, VAL_I32);
    return true;
  case OP_TABLE_GET:
  case OP_TABLE_SET: {
    uint64_t t = leb_u32(pc);
    if (op == OP_TABLE_GET)
      jf_helper(c, (const void *)jfh_table_get, 1, &t, 1, c->m->tables[t].elem_type);
    else
      jf_helper(c, (const void *)jfh_table_set, 1, &t, 2, 0);
    return true;
  }
  default:
    return false;
  }
}

bool jf_memory_fc(Compiler *c, uint32_t sub, const uint8_t **pc)
{
  uint64_t imm[2];
  switch (sub) {
  case OP_FC_MEMORY_INIT:
    imm[0] = leb_u32(pc);
    leb_skip(pc);
    jf_helper(c, (const void *)jfh_memory_init, 1, imm, 3, 0);
    return true;
  case OP_FC_DATA_DROP:
    imm[0] = leb_u32(pc);
    jf_helper(c, (const void *)jfh_data_drop, 1, imm, 0, 0);
    return true;
  case OP_FC_MEMORY_COPY:
    leb_skip(pc);
    leb_skip(pc);
    jf_helper(c, (const void *)jfh_memory_copy, 0, NULL, 3, 0);
    return true;
  case OP_FC_MEMORY_FILL:
    leb_skip(pc);
    jf_helper(c, (const void *)jfh_memory_fill, 0, NULL, 3, 0);
    return true;
  case OP_FC_TABLE_INIT:
    imm[0] = leb_u32(pc); /* element segment */
    imm[1] = leb_u32(pc); /* table */
    jf_helper(c, (const void *)jfh_table_init, 2, imm, 3, 0);
    return true;
  case OP_FC_ELEM_DROP:
    imm[0] = leb_u32(pc);
    jf_helper(c, (const void *)jfh_elem_drop, 1, imm, 0, 0);
    return true;
  case OP_FC_TABLE_COPY:
    imm[0] = leb_u32(pc);
    imm[1] = leb_u32(pc);
    jf_helper(c, (const void *)jfh_table_copy, 2, imm, 3, 0);
    return true;
  case OP_FC_TABLE_GROW:
    imm[0] = leb_u32(pc);
    jf_helper(c, (const void *)jfh_table_grow, 1, imm, 2, VAL_I32);
    return true;
  case OP_FC_TABLE_SIZE:
    imm[0] = leb_u32(pc);
    jf_helper(c, (const void *)jfh_table_size, 1, imm, 0, VAL_I32);
    return true;
  case OP_FC_TABLE_FILL:
    imm[0] = leb_u32(pc);
    jf_helper(c, (const void *)jfh_table_fill, 1, imm, 3, 0);
    return true;
  default:
    return false;
  }
}
