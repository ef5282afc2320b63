/* bytecode.c -- an interpreter inside the interpreter: a small stack
 * machine (switch dispatch) running a program that counts primes by trial
 * division and sums a series.  usage: bytecode [LIMIT] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, INC, HALT };

typedef struct Insn {
  uint8_t op;
  int32_t arg;
} Insn;

static int32_t run(const Insn *code, int32_t *vars)
{
  int32_t stack[64], sp = 0;
  const Insn *pc = code;
  for (;;) {
    switch (pc->op) {
    case PUSH: stack[sp++] = pc->arg; break;
    case LOAD: stack[sp++] = vars[pc->arg]; break;
    case STORE: vars[pc->arg] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case JZ: if (!stack[--sp]) { pc = code + pc->arg; continue; } break;
    case JMP: pc = code + pc->arg; continue;
    case INC: vars[pc->arg]++; break;
    case HALT: return vars[0];
    }
    pc++;
  }
}

int main(int argc, char **argv)
{
  int32_t limit = argc > 1 ? atoi(argv[1]) : 4800;
  /* vars: 0 count, 1 n, 2 d, 3 limit, 4 isprime */
  static const Insn program[] = {
    /* 0 */ {PUSH, 2}, {STORE, 1},
    /* 2: outer: n < limit? */ {LOAD, 1}, {LOAD, 3}, {LT, 0}, {JZ, 29},
    /* 6 */ {PUSH, 1}, {STORE, 4}, {PUSH, 2}, {STORE, 2},
    /* 10: inner: d < n? */ {LOAD, 2}, {LOAD, 1}, {LT, 0}, {JZ, 24},
    /* 14: n % d == 0 -> not prime (keep looping: fixed work per n) */
    {LOAD, 1}, {LOAD, 2}, {MOD, 0}, {JZ, 20}, {JMP, 22},
    /* 19 */ {HALT, 0},
    /* 20 */ {PUSH, 0}, {STORE, 4},
    /* 22 */ {INC, 2}, {JMP, 10},
    /* 24 */ {LOAD, 0}, {LOAD, 4}, {ADD, 0}, {STORE, 0},
    /* 28 */ {INC, 1},
    /* 29 is reached from 5 only through the JMP below being skipped: */
  };
  Insn code[40];
  uint32_t n = sizeof program / sizeof program[0];
  for (uint32_t i = 0; i < n; i++)
    code[i] = program[i];
  code[n++] = (Insn){JMP, 2};  /* 29 */
  code[5].arg = (int32_t)n;    /* exit of the outer loop */
  code[n++] = (Insn){HALT, 0};
  int32_t vars[8] = {0, 0, 0, limit, 0};
  int32_t primes = run(code, vars);
  printf("bytecode: %d primes below %d\n", primes, limit);
  return 0;
}
