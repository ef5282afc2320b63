/*
 * embed-memory.c -- the memory calls: lookup by name, enlarging (with the
 * error callback when a memory cannot grow), native and app address
 * checks and ranges, and the memory consumption report.
 */
#include "embed-common.h"

static int callback_calls;
static enlarge_memory_error_reason_t last_reason;
static uint32_t last_increment;
static wasm_module_inst_t last_instance;

static void on_enlarge_error(uint32_t inc_page_count, uint64_t current_memory_size,
                             uint32_t memory_index, enlarge_memory_error_reason_t failure_reason,
                             wasm_module_inst_t instance, wasm_exec_env_t exec_env, void *user_data)
{
  (void)current_memory_size;
  (void)memory_index;
  (void)exec_env;
  CHECK(user_data == (void *)&callback_calls);
  callback_calls++;
  last_reason = failure_reason;
  last_increment = inc_page_count;
  last_instance = instance;
}

int main(int argc, char **argv)
{
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  embed_init(argc, argv, &init);
  wasm_runtime_set_enlarge_mem_error_callback(on_enlarge_error, &callback_calls);

  wasm_module_t module = load_module("embed-memory.wasm");
  char error[128];
  wasm_module_inst_t inst = wasm_runtime_instantiate(module, 0, 0, error, sizeof error);
  wasm_exec_env_t env = wasm_runtime_get_exec_env_singleton(inst);

  wasm_memory_inst_t mem = wasm_runtime_lookup_memory(inst, "mem");
  CHECK(mem != NULL && mem == wasm_runtime_get_default_memory(inst));
  CHECK(wasm_runtime_lookup_memory(inst, "nope") == NULL);
  CHECK(wasm_memory_get_cur_page_count(mem) == 1);
  CHECK(wasm_memory_get_max_page_count(mem) == 3);

  /* addresses, both ways */
  char *hello = wasm_runtime_addr_app_to_native(inst, 16);
  CHECK(hello && memcmp(hello, "hello", 5) == 0);
  CHECK(wasm_runtime_addr_native_to_app(inst, hello) == 16);
  CHECK(wasm_runtime_validate_native_addr(inst, hello, 5));
  CHECK(!wasm_runtime_validate_native_addr(inst, hello, 65536));
  wasm_runtime_clear_exception(inst);
  uint8_t *start, *end;
  CHECK(wasm_runtime_get_native_addr_range(inst, (uint8_t *)hello, &start, &end));
  CHECK(start == (uint8_t *)hello - 16 && end == start + 65536);
  uint64_t app_start, app_end;
  CHECK(wasm_runtime_get_app_addr_range(inst, 100, &app_start, &app_end));
  CHECK(app_start == 0 && app_end == 65536);
  CHECK(wasm_runtime_addr_app_to_native(inst, 65536 + 1) == NULL);
  CHECK(wasm_runtime_is_bounds_checks_enabled(inst));

  /* enlarging: from the host, then from Wasm; past the maximum the
   * callback hears of it, both times */
  CHECK(wasm_runtime_enlarge_memory(inst, 1));
  CHECK(wasm_memory_get_cur_page_count(mem) == 2);
  CHECK(wasm_runtime_get_native_addr_range(inst, (uint8_t *)hello, &start, &end));
  CHECK(end == start + 2 * 65536);
  CHECK(!wasm_runtime_enlarge_memory(inst, 2));
  CHECK(callback_calls == 1 && last_reason == MAX_SIZE_REACHED && last_increment == 2);
  uint32_t cells[1] = {5};
  CHECK(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "grow"), 1, cells));
  CHECK(cells[0] == (uint32_t)-1);
  CHECK(callback_calls == 2 && last_instance == inst && last_increment == 5);
  cells[0] = 1;
  CHECK(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "grow"), 1, cells));
  CHECK(cells[0] == 2 && wasm_memory_get_cur_page_count(mem) == 3);
  CHECK(callback_calls == 2);
  /* the base never moves */
  CHECK(wasm_runtime_addr_app_to_native(inst, 16) == hello);

  /* the report names each part; here it goes to a file we read back */
  fflush(stdout);
  FILE *saved = stdout;
  FILE *tmp = tmpfile();
  stdout = tmp;
  wasm_runtime_dump_mem_consumption(env);
  stdout = saved;
  rewind(tmp);
  char report[2048];
  size_t n = fread(report, 1, sizeof report - 1, tmp);
  report[n] = '\0';
  fclose(tmp);
  CHECK(strstr(report, "Exec env memory consumption") != NULL);
  CHECK(strstr(report, "WASM module memory consumption") != NULL);
  CHECK(strstr(report, "WASM module instance memory consumption") != NULL);
  CHECK(strstr(report, "Linear memory (committed, this instance's own): 196608") != NULL);
  CHECK(strstr(report, "App heap: none") != NULL);

  /* externrefs by index */
  static int obj_a, obj_b;
  uint32_t ia, ib, ia2;
  void *back;
  CHECK(wasm_externref_obj2ref(inst, &obj_a, &ia));
  CHECK(wasm_externref_obj2ref(inst, &obj_b, &ib));
  CHECK(wasm_externref_obj2ref(inst, &obj_a, &ia2) && ia2 == ia && ia != ib);
  CHECK(wasm_externref_ref2obj(ib, &back) && back == &obj_b);
  CHECK(wasm_externref_retain(ia));
  CHECK(wasm_externref_objdel(inst, &obj_b));
  CHECK(!wasm_externref_ref2obj(ib, &back));

  wasm_runtime_set_enlarge_mem_error_callback(NULL, NULL);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(module);
  return embed_finish("embed-memory");
}
