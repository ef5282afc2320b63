/* qsort and bsearch over numbers, strings and records (total orders). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 2463534242u;
static uint32_t next(void)
{
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

typedef struct {
  char name[12];
  int32_t score;
  uint32_t id;
} Record;

static int cmp_record(const void *a, const void *b)
{
  const Record *x = a, *y = b;
  if (x->score != y->score)
    return x->score > y->score ? -1 : 1;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  return (x->id > y->id) - (x->id < y->id);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
  enum { N = 200000 };
  uint32_t *v = malloc(N * sizeof *v);
  for (int i = 0; i < N; i++)
    v[i] = next() % 1000000;
  qsort(v, N, sizeof *v, cmp_u32);
  int sorted = 1;
  uint64_t h = 0;
  for (int i = 1; i < N; i++) {
    if (v[i - 1] > v[i])
      sorted = 0;
    h = h * 1000003 + v[i];
  }
  printf("sorted %d min %u max %u median %u hash %016llx\n", sorted, v[0], v[N - 1], v[N / 2],
         (unsigned long long)h);
  int found = 0;
  for (uint32_t k = 0; k < 100000; k += 7)
    if (bsearch(&k, v, N, sizeof *v, cmp_u32))
      found++;
  printf("bsearch found %d\n", found);
  free(v);

  Record *r = malloc(5000 * sizeof *r);
  for (int i = 0; i < 5000; i++) {
    for (int k = 0; k < 5; k++)
      r[i].name[k] = (char)('a' + next() % 4);
    r[i].name[5] = 0;
    r[i].score = (int32_t)(next() % 100) - 50;
    r[i].id = (uint32_t)i;
  }
  qsort(r, 5000, sizeof *r, cmp_record);
  for (int i = 0; i < 5; i++)
    printf("top %s %d %u\n", r[i].name, r[i].score, r[i].id);
  printf("last %s %d %u\n", r[4999].name, r[4999].score, r[4999].id);
  free(r);

  const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "elderberry",
                         "grape", "kiwi", "lemon", "mango", "nectarine", "orange", "papaya"};
  const char **w = malloc(sizeof words);
  memcpy(w, words, sizeof words);
  size_t nw = sizeof words / sizeof words[0];
  qsort(w, nw, sizeof *w, cmp_str);
  for (size_t i = 0; i < nw; i++)
    printf("%s%s", i ? " " : "", w[i]);
  printf("\n");
  const char *key = "kiwi";
  const char **hit = bsearch(&key, w, nw, sizeof *w, cmp_str);
  printf("kiwi at %d\n", hit ? (int)(hit - w) : -1);
  free(w);
  return 0;
}
