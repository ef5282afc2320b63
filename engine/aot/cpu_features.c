/*
 * cpu_features.c -- CPUID-based detection of the features in cpu_features.h.
 *
 * Vector features also need the OS to save their registers: AVX needs XCR0
 * bits 1-2 (XMM, YMM), AVX-512 also bits 5-7 (opmask, ZMM halves), read with
 * XGETBV when CPUID says OSXSAVE.
 */
#include "cpu_features.h"

#include <cpuid.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { REG_EAX, REG_EBX, REG_ECX, REG_EDX };
enum { NEEDS_NOTHING, NEEDS_AVX_STATE, NEEDS_AVX512_STATE };

typedef struct CpuFeature {
  const char *name; /* LLVM's name */
  unsigned leaf, subleaf, reg, bit;
  int needs;
} CpuFeature;

/* Leaf 1 (ECX/EDX), leaf 7.0 (EBX/ECX/EDX), 7.1 (EAX), 0x80000001 (ECX/EDX). */
static const CpuFeature features[] = {
    {"cmov", 1, 0, REG_EDX, 15, NEEDS_NOTHING},
    {"cx8", 1, 0, REG_EDX, 8, NEEDS_NOTHING},
    {"fxsr", 1, 0, REG_EDX, 24, NEEDS_NOTHING},
    {"mmx", 1, 0, REG_EDX, 23, NEEDS_NOTHING},
    {"sse", 1, 0, REG_EDX, 25, NEEDS_NOTHING},
    {"sse2", 1, 0, REG_EDX, 26, NEEDS_NOTHING},
    {"sse3", 1, 0, REG_ECX, 0, NEEDS_NOTHING},
    {"pclmul", 1, 0, REG_ECX, 1, NEEDS_NOTHING},
    {"ssse3", 1, 0, REG_ECX, 9, NEEDS_NOTHING},
    {"fma", 1, 0, REG_ECX, 12, NEEDS_AVX_STATE},
    {"cx16", 1, 0, REG_ECX, 13, NEEDS_NOTHING},
    {"sse4.1", 1, 0, REG_ECX, 19, NEEDS_NOTHING},
    {"sse4.2", 1, 0, REG_ECX, 20, NEEDS_NOTHING},
    {"crc32", 1, 0, REG_ECX, 20, NEEDS_NOTHING},
    {"movbe", 1, 0, REG_ECX, 22, NEEDS_NOTHING},
    {"popcnt", 1, 0, REG_ECX, 23, NEEDS_NOTHING},
    {"aes", 1, 0, REG_ECX, 25, NEEDS_NOTHING},
    {"xsave", 1, 0, REG_ECX, 26, NEEDS_NOTHING},
    {"avx", 1, 0, REG_ECX, 28, NEEDS_AVX_STATE},
    {"f16c", 1, 0, REG_ECX, 29, NEEDS_AVX_STATE},
    {"rdrnd", 1, 0, REG_ECX, 30, NEEDS_NOTHING},
    {"fsgsbase", 7, 0, REG_EBX, 0, NEEDS_NOTHING},
    {"bmi", 7, 0, REG_EBX, 3, NEEDS_NOTHING},
    {"avx2", 7, 0, REG_EBX, 5, NEEDS_AVX_STATE},
    {"bmi2", 7, 0, REG_EBX, 8, NEEDS_NOTHING},
    {"avx512f", 7, 0, REG_EBX, 16, NEEDS_AVX512_STATE},
    {"avx512dq", 7, 0, REG_EBX, 17, NEEDS_AVX512_STATE},
    {"rdseed", 7, 0, REG_EBX, 18, NEEDS_NOTHING},
    {"adx", 7, 0, REG_EBX, 19, NEEDS_NOTHING},
    {"avx512ifma", 7, 0, REG_EBX, 21, NEEDS_AVX512_STATE},
    {"clflushopt", 7, 0, REG_EBX, 23, NEEDS_NOTHING},
    {"clwb", 7, 0, REG_EBX, 24, NEEDS_NOTHING},
    {"avx512cd", 7, 0, REG_EBX, 28, NEEDS_AVX512_STATE},
    {"sha", 7, 0, REG_EBX, 29, NEEDS_NOTHING},
    {"avx512bw", 7, 0, REG_EBX, 30, NEEDS_AVX512_STATE},
    {"avx512vl", 7, 0, REG_EBX, 31, NEEDS_AVX512_STATE},
    {"avx512vbmi", 7, 0, REG_ECX, 1, NEEDS_AVX512_STATE},
    {"avx512vbmi2", 7, 0, REG_ECX, 6, NEEDS_AVX512_STATE},
    {"gfni", 7, 0, REG_ECX, 8, NEEDS_NOTHING},
    {"vaes", 7, 0, REG_ECX, 9, NEEDS_AVX_STATE},
    {"vpclmulqdq", 7, 0, REG_ECX, 10, NEEDS_AVX_STATE},
    {"avx512vnni", 7, 0, REG_ECX, 11, NEEDS_AVX512_STATE},
    {"avx512bitalg", 7, 0, REG_ECX, 12, NEEDS_AVX512_STATE},
    {"avx512vpopcntdq", 7, 0, REG_ECX, 14, NEEDS_AVX512_STATE},
    {"avx512vp2intersect", 7, 0, REG_EDX, 8, NEEDS_AVX512_STATE},
    {"serialize", 7, 0, REG_EDX, 14, NEEDS_NOTHING},
    {"avx512fp16", 7, 0, REG_EDX, 23, NEEDS_AVX512_STATE},
    {"avxvnni", 7, 1, REG_EAX, 4, NEEDS_AVX_STATE},
    {"avx512bf16", 7, 1, REG_EAX, 5, NEEDS_AVX512_STATE},
    {"sahf", 0x80000001, 0, REG_ECX, 0, NEEDS_NOTHING},
    {"lzcnt", 0x80000001, 0, REG_ECX, 5, NEEDS_NOTHING},
    {"prfchw", 0x80000001, 0, REG_ECX, 8, NEEDS_NOTHING},
};
#define NUM_FEATURES (sizeof features / sizeof features[0])

/* x86-64 micro-architecture levels (the psABI's), as LLVM names them. */
static const struct {
  const char *cpu, *features;
} levels[] = {
    {"x86-64", "+cmov,+cx8,+fxsr,+mmx,+sse,+sse2"},
    {"x86-64-v2", "+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+sse3,+ssse3,+cx16,+sse4.1,+sse4.2,+crc32,"
                  "+popcnt,+sahf"},
    {"x86-64-v3", "+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+sse3,+ssse3,+fma,+cx16,+sse4.1,+sse4.2,"
                  "+crc32,+movbe,+popcnt,+xsave,+avx,+f16c,+bmi,+avx2,+bmi2,+sahf,+lzcnt"},
    {"x86-64-v4", "+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+sse3,+ssse3,+fma,+cx16,+sse4.1,+sse4.2,"
                  "+crc32,+movbe,+popcnt,+xsave,+avx,+f16c,+bmi,+avx2,+bmi2,+avx512f,+avx512dq,"
                  "+avx512cd,+avx512bw,+avx512vl,+sahf,+lzcnt"},
};

static bool host_has[NUM_FEATURES];
static char host_string[NUM_FEATURES * 20];
static pthread_once_t detect_once = PTHREAD_ONCE_INIT;

static uint64_t read_xcr0(void)
{
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t)hi << 32 | lo;
}

static void detect(void)
{
  unsigned a, b, c, d;
  uint64_t xcr0 = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27))) /* OSXSAVE */
    xcr0 = read_xcr0();
  bool avx_state = (xcr0 & 0x6) == 0x6;
  bool avx512_state = avx_state && (xcr0 & 0xe0) == 0xe0;
  unsigned max_leaf = __get_cpuid_max(0, NULL);
  unsigned max_ext = __get_cpuid_max(0x80000000, NULL);

  size_t used = 0;
  for (size_t i = 0; i < NUM_FEATURES; i++) {
    const CpuFeature *f = &features[i];
    bool ok = f->leaf >= 0x80000000 ? f->leaf <= max_ext : f->leaf <= max_leaf;
    if (ok)
      ok = __get_cpuid_count(f->leaf, f->subleaf, &a, &b, &c, &d) != 0;
    if (ok) {
      unsigned reg = f->reg == REG_EAX ? a : f->reg == REG_EBX ? b : f->reg == REG_ECX ? c : d;
      ok = (reg >> f->bit) & 1u;
    }
    if (f->needs == NEEDS_AVX_STATE)
      ok = ok && avx_state;
    else if (f->needs == NEEDS_AVX512_STATE)
      ok = ok && avx512_state;
    host_has[i] = ok;
    if (ok)
      used += (size_t)snprintf(host_string + used, sizeof host_string - used, "%s+%s",
                               used ? "," : "", f->name);
  }
}

static int feature_index(const char *name, size_t len)
{
  for (size_t i = 0; i < NUM_FEATURES; i++)
    if (strlen(features[i].name) == len && memcmp(features[i].name, name, len) == 0)
      return (int)i;
  return -1;
}

bool cpu_feature_known(const char *name) { return feature_index(name, strlen(name)) >= 0; }

bool cpu_feature_present(const char *name)
{
  pthread_once(&detect_once, detect);
  int i = feature_index(name, strlen(name));
  return i >= 0 && host_has[i];
}

const char *cpu_features_host(void)
{
  pthread_once(&detect_once, detect);
  return host_string;
}

const char *cpu_level_features(const char *cpu)
{
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
    if (strcmp(levels[i].cpu, cpu) == 0)
      return levels[i].features;
  return NULL;
}

static void append(char *buf, size_t size, size_t *used, char sign, const char *name, size_t len)
{
  if (*used >= size)
    return;
  int n = snprintf(buf + *used, size - *used, "%s%c%.*s", *used ? "," : "", sign, (int)len,
                   name);
  if (n > 0)
    *used += (size_t)n;
}

bool cpu_features_check(const char *list, char *missing, size_t missing_size)
{
  pthread_once(&detect_once, detect);
  size_t used = 0;
  bool ok = true;
  if (missing_size)
    missing[0] = '\0';
  for (const char *p = list; *p;) {
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > 1 && p[0] == '+') {
      int i = feature_index(p + 1, len - 1);
      if (i < 0) {
        append(missing, missing_size, &used, '?', p + 1, len - 1);
        ok = false;
      } else if (!host_has[i]) {
        append(missing, missing_size, &used, '+', p + 1, len - 1);
        ok = false;
      }
    }
    p += len;
    if (*p == ',')
      p++;
  }
  return ok;
}
