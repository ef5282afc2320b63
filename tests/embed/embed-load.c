/*
 * embed-load.c -- loading and instantiating, the rest of it: the module
 * reader (multi-module by name), load_ex and module names, section lists,
 * package type and version, InstantiationArgs2, memories made by the host,
 * a reactor's _initialize, execute_func's result format, and the message
 * for a shared memory.
 */
#include <unistd.h>

#include "embed-common.h"

static int reads, releases;

static bool reader(package_type_t type, const char *name, uint8_t **p_buffer, uint32_t *p_size)
{
  (void)type;
  char file[256];
  snprintf(file, sizeof file, "%s.wasm", name);
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", wasm_dir, file);
  if (access(path, R_OK) != 0)
    return false;
  *p_buffer = read_module(file, p_size);
  reads++;
  return true;
}

static void destroyer(uint8_t *buffer, uint32_t size)
{
  (void)size;
  free(buffer);
  releases++;
}

/* The sections of a binary module, as a list (for load_from_sections). */
static wasm_section_t *split_sections(uint8_t *bytes, uint32_t size, wasm_section_t *out, int max)
{
  uint32_t at = 8;
  int n = 0;
  while (at < size && n < max) {
    out[n].section_type = bytes[at++];
    uint32_t len = 0, shift = 0;
    uint8_t b;
    do {
      b = bytes[at++];
      len |= (uint32_t)(b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    out[n].section_body = bytes + at;
    out[n].section_body_size = len;
    out[n].next = NULL;
    if (n)
      out[n - 1].next = &out[n];
    at += len;
    n++;
  }
  return n ? out : NULL;
}

static bool run_execute_func(void *data)
{
  char *args[] = {"30", "1"};
  return wasm_application_execute_func(data, "add", 2, args);
}

static char *capture_stdout(bool (*f)(void *), void *data, bool *ok)
{
  fflush(stdout);
  FILE *tmp = tmpfile();
  int saved = dup(1);
  dup2(fileno(tmp), 1);
  *ok = f(data);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  long n = lseek(fileno(tmp), 0, SEEK_END);
  char *text = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
  lseek(fileno(tmp), 0, SEEK_SET);
  if (n > 0 && read(fileno(tmp), text, (size_t)n) != n)
    text[0] = '\0';
  fclose(tmp);
  return text;
}

int main(int argc, char **argv)
{
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  embed_init(argc, argv, &init);
  char error[256];

  /* --- the module reader --- */
  wasm_runtime_set_module_reader(reader, destroyer);
  wasm_module_t main_module = load_module("embed-load-main.wasm");
  wasm_module_inst_t inst = wasm_runtime_instantiate(main_module, 0, 0, error, sizeof error);
  CHECK(inst != NULL);
  if (!inst)
    fprintf(stderr, "instantiate: %s\n", error);
  CHECK(reads == 1 && releases == 1);
  CHECK(wasm_runtime_find_module_registered("embed-load-lib") != NULL);
  uint32_t cells[3] = {1, 2, 3};
  CHECK(inst && wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(inst),
                                       wasm_runtime_lookup_function(inst, "add3"), 3, cells));
  CHECK(cells[0] == 6);
  /* a second importer reuses the module read before */
  wasm_module_inst_t again = wasm_runtime_instantiate(main_module, 0, 0, error, sizeof error);
  CHECK(again != NULL && reads == 1);
  wasm_runtime_deinstantiate(again);
  wasm_runtime_deinstantiate(inst);

  /* --- execute_func prints results as WAMR does --- */
  wasm_module_t lib = wasm_runtime_find_module_registered("embed-load-lib");
  wasm_module_inst_t lib_inst = wasm_runtime_instantiate(lib, 0, 0, error, sizeof error);
  bool ok;
  char *out = capture_stdout(run_execute_func, lib_inst, &ok);
  CHECK(ok);
  CHECK_STR(out, "0x1f:i32\n");
  free(out);
  wasm_runtime_deinstantiate(lib_inst);

  /* --- load_ex, names, package queries --- */
  uint32_t size;
  uint8_t *bytes = read_module("embed-load-lib.wasm", &size);
  CHECK(wasm_runtime_get_file_package_type(bytes, size) == Wasm_Module_Bytecode);
  CHECK(wasm_runtime_get_file_package_version(bytes, size) == 1);
  CHECK(wasm_runtime_get_current_package_version(Wasm_Module_Bytecode) == 1);
  CHECK(!wasm_runtime_is_xip_file(bytes, size));
  LoadArgs load_args;
  memset(&load_args, 0, sizeof load_args);
  load_args.name = "calc";
  wasm_module_t named = wasm_runtime_load_ex(bytes, size, &load_args, error, sizeof error);
  CHECK(named != NULL);
  CHECK_STR(wasm_runtime_get_module_name(named), "calc");
  CHECK(wasm_runtime_get_module_package_type(named) == Wasm_Module_Bytecode);
  CHECK(wasm_runtime_get_module_package_version(named) == 1);
  CHECK(wasm_runtime_is_underlying_binary_freeable(named));
  CHECK(wasm_runtime_set_module_name(named, "calc", error, sizeof error));
  CHECK(!wasm_runtime_set_module_name(named, "other", error, sizeof error));
  CHECK(wasm_runtime_resolve_symbols(named));
  wasm_runtime_unload(named);
  wasm_module_t unnamed = wasm_runtime_load(bytes, size, error, sizeof error);
  CHECK_STR(wasm_runtime_get_module_name(unnamed), "");
  wasm_runtime_unload(unnamed);

  /* --- a module given as its sections --- */
  wasm_section_t sections[16];
  wasm_module_t from_sections = wasm_runtime_load_from_sections(
      split_sections(bytes, size, sections, 16), false, error, sizeof error);
  CHECK(from_sections != NULL);
  wasm_module_inst_t s_inst = wasm_runtime_instantiate(from_sections, 0, 0, error, sizeof error);
  cells[0] = 40;
  cells[1] = 2;
  CHECK(wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(s_inst),
                               wasm_runtime_lookup_function(s_inst, "add"), 2, cells));
  CHECK(cells[0] == 42);
  wasm_runtime_deinstantiate(s_inst);
  wasm_runtime_unload(from_sections);
  free(bytes);

  /* --- InstantiationArgs2, and a memory the host made --- */
  wasm_module_t mem_module = load_module("embed-load-memimport.wasm");
  wasm_import_t imp;
  wasm_runtime_get_import_type(mem_module, 0, &imp);
  CHECK(imp.kind == WASM_IMPORT_EXPORT_KIND_MEMORY);
  wasm_extern_inst_t imports = wasm_runtime_create_imports(mem_module, NULL);
  CHECK(imports != NULL);
  uint8_t *host_view = wasm_memory_get_base_address(imports[0].u.memory);
  host_view[7] = 99;
  InstantiationArgs args1;
  memset(&args1, 0, sizeof args1);
  InstantiationArgs with_imports = {.import_count = 1, .imports = imports};
  wasm_module_inst_t m_inst = wasm_runtime_instantiate_ex(mem_module, &with_imports, error, sizeof error);
  CHECK(m_inst != NULL);
  cells[0] = 7;
  CHECK(m_inst && wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(m_inst),
                                         wasm_runtime_lookup_function(m_inst, "peek"), 1, cells));
  CHECK(cells[0] == 99);
  /* without the import, it cannot be instantiated */
  CHECK(wasm_runtime_instantiate_ex(mem_module, &args1, error, sizeof error) == NULL);
  wasm_runtime_deinstantiate(m_inst);
  wasm_runtime_destroy_imports(mem_module, imports);
  wasm_runtime_unload(mem_module);

  struct InstantiationArgs2 *args2 = NULL;
  CHECK(wasm_runtime_instantiation_args_create(&args2));
  wasm_runtime_instantiation_args_set_default_stack_size(args2, 32 * 1024);
  wasm_runtime_instantiation_args_set_host_managed_heap_size(args2, 4096);
  wasm_runtime_instantiation_args_set_max_memory_pages(args2, 3);
  /* main_module's memory: 1 page; the heap takes one more; the cap is 3 */
  wasm_module_inst_t i2 = wasm_runtime_instantiate_ex2(main_module, args2, error, sizeof error);
  wasm_runtime_instantiation_args_destroy(args2);
  CHECK(i2 != NULL);
  uint64_t block = wasm_runtime_module_malloc(i2, 100, NULL);
  CHECK(block >= 65536 && block < 2 * 65536);
  wasm_memory_inst_t mem = wasm_runtime_get_default_memory(i2);
  CHECK(wasm_memory_get_cur_page_count(mem) == 2);
  CHECK(wasm_runtime_enlarge_memory(i2, 1));
  CHECK(!wasm_runtime_enlarge_memory(i2, 1));
  wasm_runtime_deinstantiate(i2);
  wasm_runtime_unload(main_module);

  /* --- a WASI reactor is initialized by instantiation --- */
  wasm_module_t reactor = load_module("embed-load-reactor.wasm");
  wasm_module_inst_t r_inst = wasm_runtime_instantiate(reactor, 0, 0, error, sizeof error);
  CHECK(r_inst != NULL && wasm_runtime_is_wasi_mode(r_inst));
  cells[0] = 0;
  CHECK(wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(r_inst),
                               wasm_runtime_lookup_function(r_inst, "ready"), 0, cells));
  CHECK(cells[0] == 42);
  /* and execute_main does not run it a second time */
  CHECK(wasm_application_execute_main(r_inst, 0, NULL));
  cells[0] = 0;
  CHECK(wasm_runtime_call_wasm(wasm_runtime_get_exec_env_singleton(r_inst),
                               wasm_runtime_lookup_function(r_inst, "ready"), 0, cells));
  CHECK(cells[0] == 42);
  wasm_runtime_deinstantiate(r_inst);
  wasm_runtime_unload(reactor);

  /* --- a shared memory says what it is --- */
  bytes = read_module("embed-load-shared.wasm", &size);
  CHECK(wasm_runtime_load(bytes, size, error, sizeof error) == NULL);
  CHECK(strstr(error, "shared memory is not supported") != NULL);
  free(bytes);

  wasm_runtime_set_module_reader(NULL, NULL);
  return embed_finish("embed-load");
}
