/*
 * embed-backtrace.c -- a trap carries the Wasm call stack: function names
 * from the name section, innermost first, with code offsets where the
 * mode keeps them; wasm_runtime_dump_call_stack_to_buf and its size.
 */
#include "embed-common.h"

static void host_fail(wasm_exec_env_t env)
{
  wasm_runtime_set_exception(wasm_runtime_get_module_inst(env), "the host says no");
}

static NativeSymbol natives[] = {{"host_fail", (void *)host_fail, "()", NULL}};

static char stack[8192];
static bool frames_on; /* the mode records call stacks */

/* Calls name(arg) expecting a trap, and leaves its call stack in `stack`. */
static void trap_stack(wasm_module_inst_t inst, wasm_exec_env_t env, const char *name,
                       uint32_t nargs, uint32_t arg, const char *message)
{
  uint32_t cells[1] = {arg};
  CHECK(!wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, name), nargs, cells));
  CHECK_STR(wasm_runtime_get_exception(inst), message);
  uint32_t need = wasm_runtime_get_call_stack_buf_size(env);
  stack[0] = '\0';
  if (!frames_on) {
    CHECK(need == 0);
    return;
  }
  CHECK(need > 1 && need <= sizeof stack);
  CHECK(wasm_runtime_dump_call_stack_to_buf(env, stack, sizeof stack) == need);
  CHECK(strlen(stack) + 1 == need);
}

/* The function names of the frames in `stack`, "a,b,c" ("?" where a line
 * does not parse), and whether every frame has a code offset. */
static void frame_names(char *names, size_t size, bool *all_offsets)
{
  names[0] = '\0';
  *all_offsets = true;
  int frame = 0;
  for (const char *line = stack; *line; frame++) {
    const char *nl = strchr(line, '\n');
    char want[16];
    snprintf(want, sizeof want, "#%02d: ", frame);
    const char *dash = strstr(line, " - ");
    if (strncmp(line, want, 5) != 0 || !dash || (nl && dash > nl)) {
      strncat(names, "?,", size - strlen(names) - 1);
    } else {
      if (strncmp(line + 5, "0x????", 6) == 0)
        *all_offsets = false;
      size_t len = (nl ? (size_t)(nl - dash) : strlen(dash)) - 3;
      strncat(names, dash + 3, len < size - strlen(names) - 1 ? len : size - strlen(names) - 1);
      strncat(names, ",", size - strlen(names) - 1);
    }
    if (!nl)
      break;
    line = nl + 1;
  }
}

int main(int argc, char **argv)
{
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.native_module_name = "env";
  init.native_symbols = natives;
  init.n_native_symbols = 1;
  RunningMode mode = embed_init(argc, argv, &init);
  /* Compiled tiers do not supply frames yet (runtime/backtrace.h has the
   * hook for them): there, traps keep their messages and no stack. */
  frames_on = mode == Mode_Interp || mode == Mode_Fast_Interp;
  /* the classic interpreter keeps the offset of every frame it raises a
   * trap in; the fast one of traps raised in its loop, not in its
   * arithmetic helpers (a division) */
  bool offsets_expected = mode == Mode_Interp;

  wasm_module_t module = load_module("embed-backtrace.wasm");
  char error[128];
  wasm_module_inst_t inst = wasm_runtime_instantiate(module, 0, 0, error, sizeof error);
  wasm_exec_env_t env = wasm_runtime_create_exec_env(inst, 256 * 1024);
  char names[1024];
  bool offsets;

  /* no trap yet: no stack */
  CHECK(wasm_runtime_get_call_stack_buf_size(env) == 0);

  trap_stack(inst, env, "outer", 1, 0, "Exception: integer divide by zero");
  frame_names(names, sizeof names, &offsets);
  if (frames_on)
    CHECK_STR(names, "inner,middle,outer,");
  CHECK(offsets || !offsets_expected);
  if (mode == Mode_Interp) {
    /* the innermost frame points at the i32.div_u itself */
    uint32_t size;
    uint8_t *bytes = read_module("embed-backtrace.wasm", &size);
    unsigned offset = 0;
    CHECK(sscanf(stack, "#00: 0x%x", &offset) == 1);
    CHECK(offset < size && bytes[offset] == 0x6e); /* i32.div_u */
    free(bytes);
  }

  /* the fast interpreter maps its code back too: callers show the call */
  if (mode == Mode_Fast_Interp) {
    const char *second = strchr(stack, '\n');
    CHECK(second && strncmp(second + 1, "#01: 0x", 7) == 0 && strncmp(second + 1, "#01: 0x????", 11) != 0);
  }

  /* deep recursion: the innermost frames are kept, the rest counted; the
   * innermost frame points at the `unreachable` in every mode */
  trap_stack(inst, env, "deep", 1, 150, "Exception: unreachable");
  frame_names(names, sizeof names, &offsets);
  if (frames_on) {
    CHECK(strncmp(names, "deep,deep,deep,", 15) == 0);
    CHECK(strstr(stack, "\n... 51 more frames\n") != NULL);
    CHECK(offsets);
    uint32_t size;
    uint8_t *bytes = read_module("embed-backtrace.wasm", &size);
    unsigned offset = 0;
    CHECK(sscanf(stack, "#00: 0x%x", &offset) == 1);
    CHECK(offset < size && bytes[offset] == 0x00); /* unreachable */
    free(bytes);
  }

  /* a trap made by the guard region (no check in the code) */
  trap_stack(inst, env, "oob", 0, 0, "Exception: out of bounds memory access");
  frame_names(names, sizeof names, &offsets);
  if (frames_on)
    CHECK_STR(names, "oob,");

  /* a host function's failure: the Wasm frames that called it */
  trap_stack(inst, env, "via_host", 0, 0, "Exception: the host says no");
  frame_names(names, sizeof names, &offsets);
  if (frames_on)
    CHECK_STR(names, "via_host,");

  /* a short buffer gets whole lines only */
  trap_stack(inst, env, "outer", 1, 0, "Exception: integer divide by zero");
  char small[24];
  uint32_t written = wasm_runtime_dump_call_stack_to_buf(env, small, sizeof small);
  if (frames_on) {
    CHECK(written == strlen(small) + 1);
    CHECK(written <= sizeof small);
    CHECK(strncmp(small, "#00: ", 5) == 0 && small[strlen(small) - 1] == '\n');
  } else {
    CHECK(written == 0);
  }

  /* a successful call does not leave an old stack behind */
  uint32_t cells[1] = {1};
  CHECK(wasm_runtime_call_wasm(env, wasm_runtime_lookup_function(inst, "outer"), 1, cells));
  CHECK(wasm_runtime_get_call_stack_buf_size(env) == 0);

  wasm_runtime_destroy_exec_env(env);
  wasm_runtime_deinstantiate(inst);
  wasm_runtime_unload(module);
  return embed_finish("embed-backtrace");
}
