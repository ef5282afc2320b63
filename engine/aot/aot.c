/*
 * aot.c -- the AOT tier: loading an AOT file into a Module with its code,
 * and calls into that code.
 */
#include "aot.h"

#include <stdlib.h>

#include "aot_file.h"
#include "aot_loader.h"
#include "common/error.h"
#include "decode/decoder.h"
#include "runtime/compiled.h"
#include "validate/validator.h"

typedef struct AotModule {
  TierCache header; /* first: module_free releases it */
  AotImage *image;
  bool bounds_checks;
} AotModule;

static void aot_module_release(TierCache *cache)
{
  AotModule *am = (AotModule *)cache;
  aot_image_free(am->image);
  free(am);
}

Module *aot_load_module(const uint8_t *buf, size_t size, char *err, uint32_t err_size)
{
  AotFile file;
  if (!aot_file_parse(buf, size, &file, err, err_size))
    return NULL;
  if (!aot_file_check_host(&file, err, err_size)) {
    aot_file_free(&file);
    return NULL;
  }
  Module *m = decode_module(file.wasm, file.wasm_size, err, err_size);
  if (m && !validate_module(m, err, err_size)) {
    module_free(m);
    m = NULL;
  }
  if (!m) {
    aot_file_free(&file);
    return NULL;
  }
  uint32_t defined = m->num_funcs - m->num_imported_funcs;
  AotModule *am = NULL;
  if (file.num_funcs != defined) {
    error_set(err, err_size, "malformed AOT file: code for %u functions, the module defines %u",
              file.num_funcs, defined);
  } else if ((am = calloc(1, sizeof *am)) == NULL) {
    error_set(err, err_size, "out of memory");
  } else {
    am->header.release = aot_module_release;
    am->bounds_checks = file.target.bounds_checks;
    am->image = aot_image_load(file.objects, file.object_sizes, file.num_objects, file.num_funcs,
                               file.func_symbols, err, err_size);
  }
  aot_file_free(&file);
  if (!am || !am->image) {
    free(am);
    module_free(m);
    return NULL;
  }
  m->aot_code = am;
  return m;
}

bool aot_call(ExecEnv *env, FuncInst *f, uint64_t *argv)
{
  const Module *m = f->instance->module;
  const AotModule *am = m->aot_code;
  if (!am)
    return false;
  void *code = am->image->func_code[f->index - m->num_imported_funcs];
  if (!code)
    return false;
  if (!am->bounds_checks) {
    /* contract 4: code without checks relies on the guard pages */
    for (uint32_t i = 0; i < m->num_memories; i++)
      if (!f->instance->memories[i]->guarded)
        return false;
  }
  atomic_store_explicit(&f->code, code, memory_order_release);
  compiled_invoke(env, f->type, code, argv);
  return true;
}
