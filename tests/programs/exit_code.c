/* Output on both streams, then exit with a status from a nested call
 * (proc_exit unwinds the guest; atexit handlers still run). */
#include <stdio.h>
#include <stdlib.h>

static void bye(void) { printf("atexit handler ran\n"); }

static void deep(int n)
{
  if (n < 0)
    return;
  if (n == 0) {
    fprintf(stderr, "leaving with status 42\n");
    exit(42);
  }
  deep(n - 1);
  printf("never printed\n");
}

int main(void)
{
  atexit(bye);
  printf("starting\n");
  fprintf(stderr, "to stderr\n");
  deep(50);
  return 0;
}
