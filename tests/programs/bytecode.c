/* A small stack-machine bytecode interpreter running two programs. */
#include <stdint.h>
#include <stdio.h>

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, LT, JZ, JMP, PRINT, HALT, DUP, POP };

static int64_t run(const int64_t *code, int trace_limit, uint64_t *steps)
{
  int64_t stack[256], vars[16] = {0};
  int sp = 0, pc = 0;
  *steps = 0;
  for (;;) {
    (*steps)++;
    switch (code[pc++]) {
    case PUSH: stack[sp++] = code[pc++]; break;
    case LOAD: stack[sp++] = vars[code[pc++]]; break;
    case STORE: vars[code[pc++]] = stack[--sp]; break;
    case ADD: sp--; stack[sp - 1] += stack[sp]; break;
    case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
    case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
    case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
    case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
    case JZ: pc = stack[--sp] ? pc + 1 : (int)code[pc]; break;
    case JMP: pc = (int)code[pc]; break;
    case DUP: stack[sp] = stack[sp - 1]; sp++; break;
    case POP: sp--; break;
    case PRINT:
      if (trace_limit-- > 0)
        printf("  out %lld\n", (long long)stack[sp - 1]);
      sp--;
      break;
    case HALT: return sp ? stack[sp - 1] : vars[0];
    default: return -1;
    }
  }
}

int main(void)
{
  /* fib: a=0 b=1 i=0; while i<90: t=a+b a=b b=t i++ ; print a */
  const int64_t fib[] = {PUSH, 0, STORE, 0, PUSH, 1, STORE, 1, PUSH, 0, STORE, 2,
                         /* 12 */ LOAD, 2, PUSH, 90, LT, JZ, 40,
                         LOAD, 0, LOAD, 1, ADD, STORE, 3, LOAD, 1, STORE, 0, LOAD, 3, STORE, 1,
                         LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, 12,
                         HALT};
  /* fix the exit target: index of HALT */
  int64_t code[sizeof fib / sizeof fib[0]];
  for (size_t i = 0; i < sizeof fib / sizeof fib[0]; i++)
    code[i] = fib[i];
  code[18] = (int64_t)(sizeof fib / sizeof fib[0]) - 1;
  uint64_t steps;
  int64_t r = run(code, 0, &steps);
  printf("fib(90) = %lld in %llu steps\n", (long long)r, (unsigned long long)steps);

  /* count primes below 30000 by trial division, printing the first ten;
   * assembled with labels, jumps patched once their targets are known */
  int64_t pcode[128];
  int at = 0, loop, inner, composite_jz, exit_jz, done_jz, prime_jmp;
#define EMIT(x) (pcode[at++] = (x))
  EMIT(PUSH), EMIT(0), EMIT(STORE), EMIT(0);           /* count = 0 */
  EMIT(PUSH), EMIT(2), EMIT(STORE), EMIT(1);           /* n = 2 */
  loop = at;
  EMIT(LOAD), EMIT(1), EMIT(PUSH), EMIT(30000), EMIT(LT), EMIT(JZ);
  exit_jz = at, EMIT(0);                               /* while n < 30000 */
  EMIT(PUSH), EMIT(2), EMIT(STORE), EMIT(2);           /* d = 2 */
  inner = at;
  EMIT(LOAD), EMIT(2), EMIT(LOAD), EMIT(2), EMIT(MUL); /* while d*d < n+1 */
  EMIT(LOAD), EMIT(1), EMIT(PUSH), EMIT(1), EMIT(ADD), EMIT(LT), EMIT(JZ);
  done_jz = at, EMIT(0);
  EMIT(LOAD), EMIT(1), EMIT(LOAD), EMIT(2), EMIT(MOD), EMIT(JZ); /* n % d == 0: composite */
  composite_jz = at, EMIT(0);
  EMIT(LOAD), EMIT(2), EMIT(PUSH), EMIT(1), EMIT(ADD), EMIT(STORE), EMIT(2); /* d++ */
  EMIT(JMP), EMIT(inner);
  pcode[done_jz] = at;                                 /* prime */
  EMIT(LOAD), EMIT(0), EMIT(PUSH), EMIT(1), EMIT(ADD), EMIT(STORE), EMIT(0);
  EMIT(LOAD), EMIT(1), EMIT(PRINT);
  prime_jmp = at;
  pcode[composite_jz] = prime_jmp;                     /* next n */
  EMIT(LOAD), EMIT(1), EMIT(PUSH), EMIT(1), EMIT(ADD), EMIT(STORE), EMIT(1);
  EMIT(JMP), EMIT(loop);
  pcode[exit_jz] = at;
  EMIT(LOAD), EMIT(0), EMIT(HALT);
#undef EMIT
  r = run(pcode, 10, &steps);
  printf("primes below 30000: %lld in %llu steps\n", (long long)r, (unsigned long long)steps);
  return 0;
}
