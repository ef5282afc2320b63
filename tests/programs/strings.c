/* String processing: tokenising, word counts, transformations. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char text[] =
    "It was the best of times, it was the worst of times, it was the age of wisdom, "
    "it was the age of foolishness, it was the epoch of belief, it was the epoch of "
    "incredulity, it was the season of Light, it was the season of Darkness, it was "
    "the spring of hope, it was the winter of despair.";

typedef struct {
  char word[32];
  int count;
} Count;

static int by_count(const void *a, const void *b)
{
  const Count *x = a, *y = b;
  if (x->count != y->count)
    return y->count - x->count;
  return strcmp(x->word, y->word);
}

static void reverse(char *s, size_t n)
{
  for (size_t i = 0; i < n / 2; i++) {
    char t = s[i];
    s[i] = s[n - 1 - i];
    s[n - 1 - i] = t;
  }
}

int main(void)
{
  char *copy = strdup(text);
  Count counts[64];
  int n = 0, total = 0;
  for (char *tok = strtok(copy, " ,."); tok; tok = strtok(NULL, " ,.")) {
    for (char *p = tok; *p; p++)
      *p = (char)tolower((unsigned char)*p);
    total++;
    int i;
    for (i = 0; i < n; i++)
      if (strcmp(counts[i].word, tok) == 0)
        break;
    if (i == n) {
      snprintf(counts[n].word, sizeof counts[n].word, "%s", tok);
      counts[n++].count = 0;
    }
    counts[i].count++;
  }
  free(copy);
  qsort(counts, (size_t)n, sizeof counts[0], by_count);
  printf("%d words, %d distinct\n", total, n);
  for (int i = 0; i < 8; i++)
    printf("%-12s %d\n", counts[i].word, counts[i].count);

  char line[] = "the quick brown fox jumps over the lazy dog";
  reverse(line, strlen(line));
  for (char *p = line; *p;) {
    size_t len = strcspn(p, " ");
    reverse(p, len);
    p += len;
    while (*p == ' ')
      p++;
  }
  printf("reversed words: %s\n", line);

  char rot[sizeof text];
  for (size_t i = 0; i < sizeof text; i++) {
    char c = text[i];
    if (isalpha((unsigned char)c)) {
      char base = isupper((unsigned char)c) ? 'A' : 'a';
      c = (char)(base + (c - base + 13) % 26);
    }
    rot[i] = c;
  }
  printf("rot13: %.40s...\n", rot);

  const char *cands[] = {"racecar", "level", "wasm", "A man a plan a canal Panama", "noon", "abca"};
  for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
    char clean[64];
    size_t k = 0;
    for (const char *p = cands[i]; *p && k < 63; p++)
      if (isalpha((unsigned char)*p))
        clean[k++] = (char)tolower((unsigned char)*p);
    clean[k] = 0;
    int pal = 1;
    for (size_t a = 0, b = k ? k - 1 : 0; a < b; a++, b--)
      if (clean[a] != clean[b])
        pal = 0;
    printf("'%s' palindrome: %s\n", cands[i], pal ? "yes" : "no");
  }
  const char *hay = "needle in a haystack with another needle";
  int occ = 0;
  for (const char *p = hay; (p = strstr(p, "needle")); p++)
    occ++;
  printf("needles %d, first 'with' at %d\n", occ, (int)(strstr(hay, "with") - hay));
  char big[2048] = "";
  for (int i = 0; i < 100; i++) {
    char part[16];
    snprintf(part, sizeof part, "%d,", i * i);
    strncat(big, part, sizeof big - strlen(big) - 1);
  }
  printf("joined length %zu, tail %s\n", strlen(big), big + strlen(big) - 12);
  return 0;
}
