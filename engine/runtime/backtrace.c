/*
 * backtrace.c -- recording and printing the Wasm call stack of a trap
 * (backtrace.h).
 */
#include "backtrace.h"

#include <stdio.h>
#include <string.h>

void backtrace_add_frame(Backtrace *bt, const FuncInst *f, const uint8_t *pc)
{
  if (bt->count == BACKTRACE_MAX_FRAMES) {
    bt->skipped++;
    return;
  }
  BacktraceFrame *fr = &bt->frames[bt->count++];
  fr->func_index = f->index;
  fr->offset = BACKTRACE_NO_OFFSET;
  fr->func_offset = 0;
  fr->name[0] = '\0';
  const Module *m = f->instance ? f->instance->module : NULL;
  if (m == NULL)
    return;
  if (pc != NULL && pc >= m->bytes && pc <= m->bytes + m->size) {
    fr->offset = (uint32_t)(pc - m->bytes);
    if (f->def != NULL && fr->offset >= f->def->body_offset)
      fr->func_offset = fr->offset - f->def->body_offset;
  }
  const char *name = m->func_names ? m->func_names[f->index] : NULL;
  if (name != NULL) {
    /* strncpy is not promised signal-safe; a loop is. */
    size_t i = 0;
    for (; name[i] != '\0' && i + 1 < sizeof fr->name; i++)
      fr->name[i] = name[i];
    fr->name[i] = '\0';
  }
}

void backtrace_capture(ExecEnv *env)
{
  Backtrace *bt = env->backtrace;
  if (bt == NULL)
    return;
  bt->count = 0;
  bt->skipped = 0;
  for (const TierActivation *act = env->activation; act != NULL; act = act->prev)
    act->walk(act, bt);
}

uint32_t backtrace_format(const Backtrace *bt, char *buf, uint32_t size)
{
  size_t used = 0;
  bool full = false; /* a line did not fit: keep whole lines only */
  char line[BACKTRACE_NAME_SIZE + 48];
  if (size)
    buf[0] = '\0';
  for (uint32_t i = 0; bt != NULL && i <= bt->count; i++) {
    int n;
    if (i == bt->count) {
      if (bt->skipped == 0)
        break;
      n = snprintf(line, sizeof line, "... %u more frames\n", bt->skipped);
    } else {
      const BacktraceFrame *fr = &bt->frames[i];
      char offset[16];
      if (fr->offset == BACKTRACE_NO_OFFSET)
        snprintf(offset, sizeof offset, "0x????");
      else
        snprintf(offset, sizeof offset, "0x%04x", fr->offset);
      if (fr->name[0])
        n = snprintf(line, sizeof line, "#%02u: %s - %s\n", i, offset, fr->name);
      else
        n = snprintf(line, sizeof line, "#%02u: %s - $f%u\n", i, offset, fr->func_index);
    }
    if (n < 0)
      continue;
    if (!full && used + (size_t)n < size)
      memcpy(buf + used, line, (size_t)n + 1);
    else
      full = true;
    used += (size_t)n;
  }
  return (uint32_t)used;
}
