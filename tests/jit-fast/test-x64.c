/*
 * test-x64.c -- the Fast JIT's encoder, form by form: each case emits
 * instructions and disassembles them with Zydis (a test-only dependency),
 * comparing with the Intel-syntax text expected.  Registers that need a
 * REX bit (r8..r15, xmm8..xmm15, sil/dil), the ModRM special cases (rsp and
 * r12 bases need a SIB, rbp and r13 a displacement), disp8 and disp32,
 * RIP-relative operands and branch patching are each covered.
 */
#include <Zydis/Zydis.h>
#include <glib.h>
#include <string.h>

#include "jit-fast/x64.h"

/* The instructions in b as "text; text; ...", addresses from 0. */
static char *disassemble(const X64Buf *b)
{
  GString *s = g_string_new(NULL);
  size_t off = 0;
  ZydisDisassembledInstruction ins;
  while (off < b->len) {
    if (!ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, off, b->code + off,
                                            b->len - off, &ins))) {
      g_string_append(s, "<invalid>");
      break;
    }
    if (s->len)
      g_string_append(s, "; ");
    g_string_append(s, ins.text);
    off += ins.info.length;
  }
  return g_string_free(s, FALSE);
}

#define EXPECT(text, ...)                                                \
  do {                                                                   \
    X64Buf b_;                                                           \
    x64_init(&b_);                                                       \
    X64Buf *b = &b_;                                                     \
    __VA_ARGS__;                                                         \
    char *got_ = disassemble(b);                                         \
    g_assert_cmpstr(got_, ==, text);                                     \
    g_free(got_);                                                        \
    x64_free(&b_);                                                       \
  } while (0)

static void test_moves(void)
{
  EXPECT("mov rax, rbx", x64_mov_rr(b, true, RAX, RBX));
  EXPECT("mov r9d, r14d", x64_mov_rr(b, false, R9, R14));
  EXPECT("mov eax, 0x12345678", x64_mov_ri(b, RAX, 0x12345678));
  EXPECT("mov r10d, 0xFFFFFFFF", x64_mov_ri(b, R10, 0xFFFFFFFFu));
  EXPECT("mov rcx, 0xFFFFFFFFFFFFFFFF", x64_mov_ri(b, RCX, UINT64_MAX));
  EXPECT("mov r15, 0x123456789ABC", x64_mov_ri(b, R15, 0x123456789ABCull));
  EXPECT("mov eax, [rbx+0x10]", x64_load(b, 4, false, false, RAX, x64_mem(RBX, 16)));
  EXPECT("mov rax, [rsp]", x64_load(b, 8, false, true, RAX, x64_mem(RSP, 0)));
  EXPECT("mov rax, [r12+0x08]", x64_load(b, 8, false, true, RAX, x64_mem(R12, 8)));
  EXPECT("mov rdx, [rbp]", x64_load(b, 8, false, true, RDX, x64_mem(RBP, 0)));
  EXPECT("mov r8, [r13]", x64_load(b, 8, false, true, R8, x64_mem(R13, 0)));
  EXPECT("mov ecx, [rbp-0x1000]", x64_load(b, 4, false, false, RCX, x64_mem(RBP, -4096)));
  EXPECT("movzx eax, byte ptr [r14+rsi*1+0x7F]",
         x64_load(b, 1, false, false, RAX, x64_mem_idx(R14, RSI, 1, 127)));
  EXPECT("movsx r11, word ptr [rax+r9*2]",
         x64_load(b, 2, true, true, R11, x64_mem_idx(RAX, R9, 2, 0)));
  EXPECT("movsxd rcx, dword ptr [r14+rax*1]",
         x64_load(b, 4, true, true, RCX, x64_mem_idx(R14, RAX, 1, 0)));
  EXPECT("movsx edx, byte ptr [rdi+rbx*8-0x80]",
         x64_load(b, 1, true, false, RDX, x64_mem_idx(RDI, RBX, 8, -128)));
  EXPECT("mov [rsi], sil", x64_store(b, 1, x64_mem(RSI, 0), RSI));
  EXPECT("mov [rax], r8b", x64_store(b, 1, x64_mem(RAX, 0), R8));
  EXPECT("mov [rbx+0x02], dx", x64_store(b, 2, x64_mem(RBX, 2), RDX));
  EXPECT("mov [rbp-0x30], r12d", x64_store(b, 4, x64_mem(RBP, -48), R12));
  EXPECT("mov [r14+rdi*1-0x80000000], rax",
         x64_store(b, 8, x64_mem_idx(R14, RDI, 1, INT32_MIN), RAX));
  EXPECT("mov byte ptr [rax], 0xFF", x64_store_imm(b, 1, x64_mem(RAX, 0), -1));
  EXPECT("mov word ptr [rax], 0x1234", x64_store_imm(b, 2, x64_mem(RAX, 0), 0x1234));
  EXPECT("mov dword ptr [rbp-0x08], 0x07", x64_store_imm(b, 4, x64_mem(RBP, -8), 7));
  EXPECT("mov qword ptr [rsp+0x10], 0xFFFFFFFFFFFFFFFE",
         x64_store_imm(b, 8, x64_mem(RSP, 16), -2));
  /* RIP-relative: Zydis shows the address, 7 bytes of lea + 0x100 */
  EXPECT("lea rax, [0x0000000000000107]", x64_lea(b, true, RAX, x64_rip(0x100)));
  EXPECT("lea rdi, [rbp-0x40]", x64_lea(b, true, RDI, x64_mem(RBP, -64)));
  EXPECT("movsxd r9, ebx", x64_movsxd(b, R9, RBX));
  EXPECT("movsx eax, sil", x64_movsx_rr(b, 1, false, RAX, RSI));
  EXPECT("movsx r10, r11w", x64_movsx_rr(b, 2, true, R10, R11));
}

static void test_arithmetic(void)
{
  EXPECT("add eax, ebx", x64_alu_rr(b, ALU_ADD, false, RAX, RBX));
  EXPECT("sub r8, r15", x64_alu_rr(b, ALU_SUB, true, R8, R15));
  EXPECT("xor edx, edx", x64_alu_rr(b, ALU_XOR, false, RDX, RDX));
  EXPECT("cmp rsi, rdi", x64_alu_rr(b, ALU_CMP, true, RSI, RDI));
  EXPECT("and ecx, 0x7F", x64_alu_ri(b, ALU_AND, false, RCX, 127));
  EXPECT("add r12, 0xFFFFFFFFFFFFFF80", x64_alu_ri(b, ALU_ADD, true, R12, -128));
  EXPECT("or eax, 0x80", x64_alu_ri(b, ALU_OR, false, RAX, 128));
  EXPECT("cmp r9d, 0x80000000", x64_alu_ri(b, ALU_CMP, false, R9, INT32_MIN));
  EXPECT("sub ebx, [rbp-0x18]", x64_alu_rm(b, ALU_SUB, false, RBX, x64_mem(RBP, -24)));
  EXPECT("cmp rsp, [r15+0x40]", x64_alu_rm(b, ALU_CMP, true, RSP, x64_mem(R15, 64)));
  EXPECT("cmp qword ptr [r15+0x100], 0x00",
         x64_alu_mi(b, ALU_CMP, true, x64_mem(R15, 256), 0));
  EXPECT("test r10d, r10d", x64_test_rr(b, false, R10, R10));
  EXPECT("imul esi, edi", x64_imul_rr(b, false, RSI, RDI));
  EXPECT("imul r8, [rbp-0x08]", x64_imul_rm(b, true, R8, x64_mem(RBP, -8)));
  EXPECT("imul eax, ebx, 0x0A", x64_imul_rri(b, false, RAX, RBX, 10));
  EXPECT("imul r11, r11, 0x10000", x64_imul_rri(b, true, R11, R11, 65536));
  EXPECT("cdq; div ecx", x64_cdq(b, false); x64_div(b, false, false, RCX));
  EXPECT("cqo; idiv rcx", x64_cdq(b, true); x64_div(b, true, true, RCX));
  EXPECT("neg r13", x64_neg(b, true, R13));
  EXPECT("not eax", x64_not(b, false, RAX));
  EXPECT("shl ebx, cl", x64_shift_cl(b, SH_SHL, false, RBX));
  EXPECT("sar r9, cl", x64_shift_cl(b, SH_SAR, true, R9));
  EXPECT("shr esi, 0x1F", x64_shift_ri(b, SH_SHR, false, RSI, 31));
  EXPECT("rol rax, 0x03", x64_shift_ri(b, SH_ROL, true, RAX, 3));
  EXPECT("ror r12d, 0x07", x64_shift_ri(b, SH_ROR, false, R12, 7));
  EXPECT("bsr eax, ebx", x64_bsr(b, false, RAX, RBX));
  EXPECT("bsf r8, r9", x64_bsf(b, true, R8, R9));
  EXPECT("popcnt rdi, rsi", x64_popcnt(b, true, RDI, RSI));
}

static void test_conditions(void)
{
  EXPECT("setz al", x64_setcc(b, CC_E, RAX));
  EXPECT("setl sil", x64_setcc(b, CC_L, RSI));
  EXPECT("setnbe r11b", x64_setcc(b, CC_A, R11));
  EXPECT("movzx edi, dil", x64_movzx_r8(b, RDI, RDI));
  EXPECT("movzx r8d, bl", x64_movzx_r8(b, R8, RBX));
  EXPECT("cmovz rbx, rax", x64_cmov(b, CC_E, true, RBX, RAX));
  EXPECT("cmovnb r10d, ecx", x64_cmov(b, CC_AE, false, R10, RCX));
  EXPECT("cmovle esi, [rbp-0x10]", x64_cmov_rm(b, CC_LE, false, RSI, x64_mem(RBP, -16)));
}

static void test_control(void)
{
  EXPECT("push rbp; push r15; pop r12; pop rbx; ret",
         x64_push(b, RBP); x64_push(b, R15); x64_pop(b, R12); x64_pop(b, RBX); x64_ret(b));
  EXPECT("call rax; call r11; jmp rcx", x64_call_r(b, RAX); x64_call_r(b, R11);
         x64_jmp_r(b, RCX));
  EXPECT("rep stosq; ud2", x64_rep_stosq(b); x64_ud2(b));
  /* forward rel32 branches, patched to just past themselves */
  EXPECT("jmp 0x0000000000000005", size_t at = x64_jmp32(b); x64_patch_rel32(b, at, b->len));
  EXPECT("jnz 0x0000000000000006", size_t at = x64_jcc32(b, CC_NE);
         x64_patch_rel32(b, at, b->len));
  /* patched further ahead, over other code */
  EXPECT("jle 0x000000000000000B; mov eax, 0x01", size_t at = x64_jcc32(b, CC_LE);
         x64_mov_ri(b, RAX, 1); x64_patch_rel32(b, at, b->len));
  EXPECT("jb 0x0000000000000007; mov eax, 0x01", size_t at = x64_jcc8(b, CC_B);
         x64_mov_ri(b, RAX, 1); x64_patch_rel8(b, at, b->len));
  EXPECT("jmp 0x0000000000000002", size_t at = x64_jmp8(b); x64_patch_rel8(b, at, b->len));
  /* backward branches: short when close, rel32 when far */
  EXPECT("nop; jmp 0x0000000000000000", x64_byte(b, 0x90); x64_jmp_to(b, 0));
  EXPECT("nop; jz 0x0000000000000000", x64_byte(b, 0x90); x64_jcc_to(b, CC_E, 0));
  {
    X64Buf fb;
    x64_init(&fb);
    for (int i = 0; i < 200; i++)
      x64_byte(&fb, 0x90);
    size_t at = fb.len;
    x64_jcc_to(&fb, CC_GE, 0);
    g_assert_cmpuint(fb.len - at, ==, 6); /* the rel32 form */
    ZydisDisassembledInstruction ins;
    g_assert_true(ZYAN_SUCCESS(ZydisDisassembleIntel(ZYDIS_MACHINE_MODE_LONG_64, at,
                                                     fb.code + at, fb.len - at, &ins)));
    g_assert_cmpstr(ins.text, ==, "jnl 0x0000000000000000");
    x64_free(&fb);
  }
}

static void test_floats(void)
{
  EXPECT("addss xmm0, xmm1", x64_sse_rr(b, SSE_ADD, false, 0, 1));
  EXPECT("subsd xmm9, xmm15", x64_sse_rr(b, SSE_SUB, true, 9, 15));
  EXPECT("mulsd xmm2, [rbp-0x20]", x64_sse_rm(b, SSE_MUL, true, 2, x64_mem(RBP, -32)));
  EXPECT("divss xmm13, [r14+rax*1+0x04]",
         x64_sse_rm(b, SSE_DIV, false, 13, x64_mem_idx(R14, RAX, 1, 4)));
  EXPECT("sqrtsd xmm3, xmm3", x64_sse_rr(b, SSE_SQRT, true, 3, 3));
  EXPECT("minss xmm1, xmm2; maxsd xmm1, xmm2", x64_sse_rr(b, SSE_MIN, false, 1, 2);
         x64_sse_rr(b, SSE_MAX, true, 1, 2));
  EXPECT("movss xmm4, dword ptr [rbp-0x08]", x64_movs_load(b, false, 4, x64_mem(RBP, -8)));
  EXPECT("movsd xmm12, qword ptr [r12]", x64_movs_load(b, true, 12, x64_mem(R12, 0)));
  EXPECT("movss [rsp+0x08], xmm0", x64_movs_store(b, false, x64_mem(RSP, 8), 0));
  EXPECT("movsd [r13], xmm8", x64_movs_store(b, true, x64_mem(R13, 0), 8));
  EXPECT("movaps xmm10, xmm0", x64_movaps(b, 10, 0));
  EXPECT("andps xmm1, xmm15", x64_bits_rr(b, BITS_AND, false, 1, 15));
  EXPECT("xorpd xmm0, xmm0", x64_bits_rr(b, BITS_XOR, true, 0, 0));
  EXPECT("andnpd xmm15, xmm3", x64_bits_rr(b, BITS_ANDN, true, 15, 3));
  EXPECT("orps xmm2, xmm9", x64_bits_rr(b, BITS_OR, false, 2, 9));
  EXPECT("ucomiss xmm0, xmm1", x64_ucomis(b, false, 0, 1));
  EXPECT("ucomisd xmm11, xmm2", x64_ucomis(b, true, 11, 2));
  EXPECT("movd xmm1, eax", x64_movd_to_xmm(b, false, 1, RAX));
  EXPECT("movq xmm9, r10", x64_movd_to_xmm(b, true, 9, R10));
  EXPECT("movd esi, xmm2", x64_movd_from_xmm(b, false, RSI, 2));
  EXPECT("movq r8, xmm15", x64_movd_from_xmm(b, true, R8, 15));
  EXPECT("cvtsi2ss xmm0, eax", x64_cvtsi2s(b, false, false, 0, RAX));
  EXPECT("cvtsi2sd xmm5, r9", x64_cvtsi2s(b, true, true, 5, R9));
  EXPECT("cvttss2si eax, xmm1", x64_cvtts2si(b, false, false, RAX, 1));
  EXPECT("cvttsd2si r11, xmm14", x64_cvtts2si(b, true, true, R11, 14));
  EXPECT("cvtsd2ss xmm0, xmm0", x64_cvts2s(b, true, 0, 0));
  EXPECT("cvtss2sd xmm8, xmm1", x64_cvts2s(b, false, 8, 1));
  EXPECT("roundss xmm0, xmm1, 0x0B", x64_rounds(b, false, 0, 1, 3));
  EXPECT("roundsd xmm9, xmm9, 0x09", x64_rounds(b, true, 9, 9, 1));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/x64/moves", test_moves);
  g_test_add_func("/x64/arithmetic", test_arithmetic);
  g_test_add_func("/x64/conditions", test_conditions);
  g_test_add_func("/x64/control", test_control);
  g_test_add_func("/x64/floats", test_floats);
  return g_test_run();
}
