/* An open-addressing hash table with deletion (tombstones) and growth. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *key;
  uint64_t value;
  int state; /* 0 empty, 1 used, 2 deleted */
} Slot;

typedef struct {
  Slot *slots;
  uint32_t cap, used, live;
} Table;

static uint32_t hash(const char *s)
{
  uint32_t h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (uint8_t)*s) * 16777619u;
  return h;
}

static void put(Table *t, const char *key, uint64_t value);

static void grow(Table *t)
{
  Table n = {calloc(t->cap * 2, sizeof(Slot)), t->cap * 2, 0, 0};
  for (uint32_t i = 0; i < t->cap; i++)
    if (t->slots[i].state == 1) {
      put(&n, t->slots[i].key, t->slots[i].value);
      free(t->slots[i].key);
    }
  free(t->slots);
  *t = n;
}

static void put(Table *t, const char *key, uint64_t value)
{
  if ((t->used + 1) * 4 > t->cap * 3)
    grow(t);
  uint32_t i = hash(key) & (t->cap - 1);
  int32_t tomb = -1;
  for (;; i = (i + 1) & (t->cap - 1)) {
    Slot *s = &t->slots[i];
    if (s->state == 0)
      break;
    if (s->state == 2 && tomb < 0)
      tomb = (int32_t)i;
    if (s->state == 1 && strcmp(s->key, key) == 0) {
      s->value = value;
      return;
    }
  }
  Slot *s = &t->slots[tomb >= 0 ? (uint32_t)tomb : i];
  if (tomb < 0)
    t->used++;
  s->key = strdup(key);
  s->value = value;
  s->state = 1;
  t->live++;
}

static Slot *find(Table *t, const char *key)
{
  for (uint32_t i = hash(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
    Slot *s = &t->slots[i];
    if (s->state == 0)
      return NULL;
    if (s->state == 1 && strcmp(s->key, key) == 0)
      return s;
  }
}

static int del(Table *t, const char *key)
{
  Slot *s = find(t, key);
  if (!s)
    return 0;
  free(s->key);
  s->key = NULL;
  s->state = 2;
  t->live--;
  return 1;
}

int main(void)
{
  Table t = {calloc(16, sizeof(Slot)), 16, 0, 0};
  char key[32];
  for (uint32_t i = 0; i < 150000; i++) {
    snprintf(key, sizeof key, "key-%u", i * 2654435761u);
    put(&t, key, (uint64_t)i * i);
  }
  int deleted = 0;
  for (uint32_t i = 0; i < 150000; i += 3) {
    snprintf(key, sizeof key, "key-%u", i * 2654435761u);
    deleted += del(&t, key);
  }
  for (uint32_t i = 0; i < 150000; i += 5) {
    snprintf(key, sizeof key, "key-%u", i * 2654435761u);
    put(&t, key, i);
  }
  uint64_t sum = 0;
  int hits = 0;
  for (uint32_t i = 0; i < 200000; i++) {
    snprintf(key, sizeof key, "key-%u", i * 2654435761u);
    Slot *s = find(&t, key);
    if (s) {
      hits++;
      sum += s->value;
    }
  }
  printf("capacity %u live %u deleted %d hits %d sum %llu\n", t.cap, t.live, deleted, hits,
         (unsigned long long)sum);
  for (uint32_t i = 0; i < t.cap; i++)
    free(t.slots[i].key);
  free(t.slots);
  return 0;
}
