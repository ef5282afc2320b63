/*
 * aot_loader.c -- a small static linker for x86-64 ELF relocatable objects
 * (aot_loader.h).
 *
 * Steps: parse and check every object (headers, section table, symbol and
 * string tables); index the global symbols; check every relocation that
 * applies to a loaded section and count the GOT slots and helper stubs it
 * needs; lay the sections out; map, copy, fill GOT and stubs, relocate;
 * protect.  Everything the file says is checked before it is used: the
 * objects may be hostile (a file whose checksum was recomputed).
 *
 * Relocations (S symbol, A addend, P place, G GOT slot; a 32-bit reference
 * to a helper, which may lie anywhere in the address space, uses its stub
 * as S; the stub jumps through the helper's GOT slot):
 *   R_X86_64_64           S + A
 *   R_X86_64_PC64         S + A - P
 *   R_X86_64_PC32, PLT32  S + A - P, 32-bit signed (a helper: S is its stub)
 *   R_X86_64_GOTPCREL, GOTPCRELX, REX_GOTPCRELX   G + A - P
 *   R_X86_64_32, 32S      S + A, 32-bit unsigned / signed (the mapping is
 *                         then placed in the low 2 GiB, MAP_32BIT)
 */
#include "aot_loader.h"

#include <elf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "aot_helpers.h"
#include "common/error.h"

#ifndef SHT_X86_64_UNWIND
#define SHT_X86_64_UNWIND 0x70000001
#endif

#define MAX_IMAGE_SIZE ((size_t)1 << 31) /* 32-bit PC-relative references must reach */
#define STUB_SIZE 8                       /* jmp *slot(%rip); ud2 */

enum Region { REGION_NONE, REGION_TEXT, REGION_RODATA, REGION_DATA, NUM_REGIONS };

typedef struct Obj {
  const uint8_t *data;
  size_t size;
  uint32_t num_sections;
  Elf64_Shdr *sections;
  uint8_t *region;      /* per section: where it is loaded (REGION_NONE: not) */
  size_t *offset;       /* per loaded section: offset in the mapping */
  uint32_t symtab;      /* section index of the symbol table */
  uint32_t num_syms;
  Elf64_Sym *syms;
  const char *strtab;   /* checked NUL-terminated */
  size_t strtab_size;
  uint32_t *helper;     /* per symbol: 1 + index of the helper it resolves to, or 0 */
  uint32_t *got;        /* per symbol: 1 + its GOT slot, or 0 */
} Obj;

typedef struct GlobalSym {
  const char *name;
  uint32_t obj, sym;
} GlobalSym;

typedef struct Linker {
  Obj *objs;
  uint32_t num_objs;
  GlobalSym *globals; /* open addressing, capacity a power of two */
  size_t globals_cap;
  void **helpers;      /* helpers used, in first-use order */
  uint32_t num_helpers, helpers_cap;
  uint32_t num_got;    /* helpers first, then other symbols */
  bool needs_low;      /* absolute 32-bit relocations: map in the low 2 GiB */
  size_t region_start[NUM_REGIONS], region_size[NUM_REGIONS];
  size_t stubs_offset, got_offset;
  uint8_t *map;
  size_t map_size;
  char *err;
  uint32_t err_size;
} Linker;

static const char *reloc_name(uint32_t type)
{
  switch (type) {
  case R_X86_64_NONE: return "R_X86_64_NONE";
  case R_X86_64_64: return "R_X86_64_64";
  case R_X86_64_PC32: return "R_X86_64_PC32";
  case R_X86_64_PLT32: return "R_X86_64_PLT32";
  case R_X86_64_GOTPCREL: return "R_X86_64_GOTPCREL";
  case R_X86_64_GOTPCRELX: return "R_X86_64_GOTPCRELX";
  case R_X86_64_REX_GOTPCRELX: return "R_X86_64_REX_GOTPCRELX";
  case R_X86_64_32: return "R_X86_64_32";
  case R_X86_64_32S: return "R_X86_64_32S";
  case R_X86_64_PC64: return "R_X86_64_PC64";
  default: return NULL;
  }
}

static uint32_t reloc_width(uint32_t type)
{
  switch (type) {
  case R_X86_64_64:
  case R_X86_64_PC64:
    return 8;
  case R_X86_64_NONE:
    return 0;
  default:
    return 4;
  }
}

static bool is_got_reloc(uint32_t type)
{
  return type == R_X86_64_GOTPCREL || type == R_X86_64_GOTPCRELX ||
         type == R_X86_64_REX_GOTPCRELX;
}

/* --- parsing one object --- */

static bool obj_fail(Linker *l, uint32_t oi, const char *what)
{
  return error_set(l->err, l->err_size, "bad AOT code (object %u): %s", oi, what);
}

static bool parse_object(Linker *l, uint32_t oi)
{
  Obj *o = &l->objs[oi];
  Elf64_Ehdr eh;
  if (o->size < sizeof eh)
    return obj_fail(l, oi, "truncated ELF header");
  memcpy(&eh, o->data, sizeof eh);
  if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
    return obj_fail(l, oi, "not an ELF object");
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_machine != EM_X86_64)
    return obj_fail(l, oi, "not a 64-bit little-endian x86-64 object");
  if (eh.e_type != ET_REL)
    return obj_fail(l, oi, "not a relocatable object");
  if (eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shoff > o->size ||
      (o->size - eh.e_shoff) / sizeof(Elf64_Shdr) < eh.e_shnum || eh.e_shstrndx >= eh.e_shnum)
    return obj_fail(l, oi, "bad section header table");
  o->num_sections = eh.e_shnum;
  o->sections = malloc(eh.e_shnum * sizeof(Elf64_Shdr));
  o->region = calloc(eh.e_shnum, 1);
  o->offset = calloc(eh.e_shnum, sizeof(size_t));
  if (!o->sections || !o->region || !o->offset)
    return error_set(l->err, l->err_size, "out of memory");
  memcpy(o->sections, o->data + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));

  o->symtab = 0;
  for (uint32_t i = 1; i < o->num_sections; i++) {
    const Elf64_Shdr *s = &o->sections[i];
    if (s->sh_type != SHT_NOBITS && (s->sh_offset > o->size || s->sh_size > o->size - s->sh_offset))
      return obj_fail(l, oi, "a section lies outside the object");
    if (s->sh_addralign > 4096 || (s->sh_addralign & (s->sh_addralign - 1)))
      return obj_fail(l, oi, "a section has a bad alignment");
    if (s->sh_type == SHT_SYMTAB) {
      if (o->symtab)
        return obj_fail(l, oi, "two symbol tables");
      o->symtab = i;
    }
    if (!(s->sh_flags & SHF_ALLOC) || s->sh_type == SHT_X86_64_UNWIND || s->sh_type == SHT_NOTE)
      continue; /* not needed at run time (unwind tables: traps longjmp) */
    if (s->sh_flags & SHF_TLS)
      return obj_fail(l, oi, "thread-local data is not supported");
    if (s->sh_type != SHT_PROGBITS && s->sh_type != SHT_NOBITS)
      return obj_fail(l, oi, "an allocated section of an unsupported type (constructors?)");
    if ((s->sh_flags & SHF_WRITE) && (s->sh_flags & SHF_EXECINSTR))
      return obj_fail(l, oi, "a section is both writable and executable");
    if (s->sh_size > MAX_IMAGE_SIZE)
      return obj_fail(l, oi, "a section is too large");
    o->region[i] = (s->sh_flags & SHF_EXECINSTR) ? REGION_TEXT
                   : (s->sh_flags & SHF_WRITE) || s->sh_type == SHT_NOBITS ? REGION_DATA
                                                                          : REGION_RODATA;
  }
  if (!o->symtab)
    return obj_fail(l, oi, "no symbol table");

  const Elf64_Shdr *st = &o->sections[o->symtab];
  if (st->sh_entsize != sizeof(Elf64_Sym) || st->sh_size % sizeof(Elf64_Sym) ||
      st->sh_link == 0 || st->sh_link >= o->num_sections ||
      o->sections[st->sh_link].sh_type != SHT_STRTAB)
    return obj_fail(l, oi, "bad symbol table");
  const Elf64_Shdr *str = &o->sections[st->sh_link];
  o->strtab = (const char *)o->data + str->sh_offset;
  o->strtab_size = str->sh_size;
  if (o->strtab_size == 0 || o->strtab[o->strtab_size - 1] != '\0')
    return obj_fail(l, oi, "bad string table");
  o->num_syms = (uint32_t)(st->sh_size / sizeof(Elf64_Sym));
  if (st->sh_size / sizeof(Elf64_Sym) > UINT32_MAX / 2)
    return obj_fail(l, oi, "too many symbols");
  o->syms = malloc((o->num_syms ? o->num_syms : 1) * sizeof(Elf64_Sym));
  o->helper = calloc(o->num_syms ? o->num_syms : 1, sizeof(uint32_t));
  o->got = calloc(o->num_syms ? o->num_syms : 1, sizeof(uint32_t));
  if (!o->syms || !o->helper || !o->got)
    return error_set(l->err, l->err_size, "out of memory");
  memcpy(o->syms, o->data + st->sh_offset, o->num_syms * sizeof(Elf64_Sym));
  for (uint32_t i = 0; i < o->num_syms; i++) {
    const Elf64_Sym *s = &o->syms[i];
    if (s->st_name >= o->strtab_size)
      return obj_fail(l, oi, "a symbol name lies outside the string table");
    if (s->st_shndx == SHN_COMMON || s->st_shndx == SHN_XINDEX)
      return obj_fail(l, oi, "common or extended-index symbols are not supported");
    if (s->st_shndx != SHN_UNDEF && s->st_shndx != SHN_ABS) {
      if (s->st_shndx >= o->num_sections)
        return obj_fail(l, oi, "a symbol names a section that does not exist");
      const Elf64_Shdr *sec = &o->sections[s->st_shndx];
      if (o->region[s->st_shndx] != REGION_NONE && s->st_value > sec->sh_size)
        return obj_fail(l, oi, "a symbol lies outside its section");
    }
  }
  return true;
}

static const char *sym_name(const Obj *o, uint32_t i) { return o->strtab + o->syms[i].st_name; }

static bool sym_defined_loaded(const Obj *o, uint32_t i)
{
  uint16_t shndx = o->syms[i].st_shndx;
  return shndx == SHN_ABS ||
         (shndx != SHN_UNDEF && shndx < o->num_sections && o->region[shndx] != REGION_NONE);
}

/* --- global symbols --- */

static size_t hash_name(const char *s)
{
  size_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (uint8_t)*s) * 1099511628211ull;
  return h;
}

static GlobalSym *global_find(Linker *l, const char *name)
{
  if (!l->globals_cap)
    return NULL;
  for (size_t i = hash_name(name) & (l->globals_cap - 1);; i = (i + 1) & (l->globals_cap - 1)) {
    GlobalSym *g = &l->globals[i];
    if (!g->name || strcmp(g->name, name) == 0)
      return g;
  }
}

static bool index_globals(Linker *l)
{
  size_t count = 0;
  for (uint32_t oi = 0; oi < l->num_objs; oi++)
    count += l->objs[oi].num_syms;
  l->globals_cap = 16;
  while (l->globals_cap < 2 * count)
    l->globals_cap *= 2;
  l->globals = calloc(l->globals_cap, sizeof *l->globals);
  if (!l->globals)
    return error_set(l->err, l->err_size, "out of memory");
  for (uint32_t oi = 0; oi < l->num_objs; oi++) {
    Obj *o = &l->objs[oi];
    for (uint32_t i = 1; i < o->num_syms; i++) {
      unsigned bind = ELF64_ST_BIND(o->syms[i].st_info);
      if ((bind != STB_GLOBAL && bind != STB_WEAK) || !sym_defined_loaded(o, i) ||
          sym_name(o, i)[0] == '\0')
        continue;
      GlobalSym *g = global_find(l, sym_name(o, i));
      if (g->name)
        return error_set(l->err, l->err_size, "bad AOT code: symbol '%s' is defined twice",
                         g->name);
      *g = (GlobalSym){sym_name(o, i), oi, i};
    }
  }
  return true;
}

/* Records that symbol i of o, undefined, resolves to a helper (or another
 * object's global: then nothing to record). */
static bool resolve_external(Linker *l, uint32_t oi, uint32_t i)
{
  Obj *o = &l->objs[oi];
  if (o->helper[i])
    return true;
  const char *name = sym_name(o, i);
  GlobalSym *g = global_find(l, name);
  if (g && g->name)
    return true;
  void *address = aot_helper_lookup(name);
  if (!address)
    return error_set(l->err, l->err_size,
                     "AOT code needs '%s', which is not a helper this runtime provides", name);
  for (uint32_t h = 0; h < l->num_helpers; h++)
    if (l->helpers[h] == address) {
      o->helper[i] = h + 1;
      return true;
    }
  if (l->num_helpers == l->helpers_cap) {
    uint32_t cap = l->helpers_cap ? 2 * l->helpers_cap : 16;
    void **a = realloc(l->helpers, cap * sizeof *a);
    if (!a)
      return error_set(l->err, l->err_size, "out of memory");
    l->helpers = a;
    l->helpers_cap = cap;
  }
  l->helpers[l->num_helpers++] = address;
  o->helper[i] = l->num_helpers;
  return true;
}

/* --- relocations: check and count --- */

static bool for_each_rela_section(Linker *l, uint32_t oi,
                                  bool (*fn)(Linker *, uint32_t, uint32_t, const Elf64_Rela *))
{
  Obj *o = &l->objs[oi];
  for (uint32_t si = 1; si < o->num_sections; si++) {
    const Elf64_Shdr *s = &o->sections[si];
    if (s->sh_type != SHT_RELA && s->sh_type != SHT_REL)
      continue;
    if (s->sh_info >= o->num_sections || o->region[s->sh_info] == REGION_NONE)
      continue; /* relocates something not loaded (unwind tables, debug info) */
    if (s->sh_type == SHT_REL)
      return obj_fail(l, oi, "REL relocations (without addends) are not used on x86-64");
    if (s->sh_link != o->symtab || s->sh_entsize != sizeof(Elf64_Rela) ||
        s->sh_size % sizeof(Elf64_Rela))
      return obj_fail(l, oi, "bad relocation section");
    size_t n = s->sh_size / sizeof(Elf64_Rela);
    for (size_t k = 0; k < n; k++) {
      Elf64_Rela r;
      memcpy(&r, o->data + s->sh_offset + k * sizeof r, sizeof r);
      if (!fn(l, oi, s->sh_info, &r))
        return false;
    }
  }
  return true;
}

static bool check_relocation(Linker *l, uint32_t oi, uint32_t target, const Elf64_Rela *r)
{
  Obj *o = &l->objs[oi];
  uint32_t type = ELF64_R_TYPE(r->r_info);
  uint32_t sym = ELF64_R_SYM(r->r_info);
  if (!reloc_name(type))
    return error_set(l->err, l->err_size, "bad AOT code (object %u): unsupported relocation "
                                          "type %u", oi, type);
  uint64_t size = o->sections[target].sh_size;
  uint32_t width = reloc_width(type);
  if (size < width || r->r_offset > size - width)
    return obj_fail(l, oi, "a relocation lies outside its section");
  if (sym >= o->num_syms)
    return obj_fail(l, oi, "a relocation names a symbol that does not exist");
  if (type == R_X86_64_NONE)
    return true;
  if (type == R_X86_64_32 || type == R_X86_64_32S)
    l->needs_low = true;
  const Elf64_Sym *s = &o->syms[sym];
  if (sym != 0 && s->st_shndx == SHN_UNDEF) {
    if (!resolve_external(l, oi, sym))
      return false;
  } else if (sym != 0 && !sym_defined_loaded(o, sym)) {
    return obj_fail(l, oi, "a relocation refers to a section that is not loaded");
  }
  if (is_got_reloc(type) && !o->got[sym]) {
    /* helpers share the slot their stub jumps through */
    o->got[sym] = o->helper[sym] ? o->helper[sym] : 0;
    if (!o->got[sym]) {
      if (l->num_got >= UINT32_MAX / 16)
        return obj_fail(l, oi, "too many GOT entries");
      o->got[sym] = 1 + l->num_got++;
      o->got[sym] |= 0x80000000u; /* not a helper slot: renumbered after layout */
    }
  }
  return true;
}

/* --- layout and mapping --- */

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

static bool layout(Linker *l)
{
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t at = 0;
  for (int region = REGION_TEXT; region < NUM_REGIONS; region++) {
    l->region_start[region] = at;
    for (uint32_t oi = 0; oi < l->num_objs; oi++) {
      Obj *o = &l->objs[oi];
      for (uint32_t si = 1; si < o->num_sections; si++) {
        if (o->region[si] != region)
          continue;
        size_t a = o->sections[si].sh_addralign ? o->sections[si].sh_addralign : 1;
        at = align_up(at, a);
        o->offset[si] = at;
        at += o->sections[si].sh_size;
        if (at > MAX_IMAGE_SIZE)
          return error_set(l->err, l->err_size, "AOT code too large (over 2 GiB)");
      }
    }
    if (region == REGION_TEXT) {
      at = align_up(at, 16);
      l->stubs_offset = at;
      at += (size_t)l->num_helpers * STUB_SIZE;
    } else if (region == REGION_RODATA) {
      at = align_up(at, 8);
      l->got_offset = at;
      at += ((size_t)l->num_helpers + l->num_got) * 8;
    }
    at = align_up(at, page);
    l->region_size[region] = at - l->region_start[region];
    if (at > MAX_IMAGE_SIZE)
      return error_set(l->err, l->err_size, "AOT code too large (over 2 GiB)");
  }
  l->map_size = at ? at : page;
  return true;
}

/* The run-time address of symbol `sym` of object oi (a helper: the helper
 * itself when `direct`, else its stub). */
static uint64_t symbol_address(Linker *l, uint32_t oi, uint32_t sym, bool direct)
{
  Obj *o = &l->objs[oi];
  if (sym == 0)
    return 0;
  const Elf64_Sym *s = &o->syms[sym];
  if (s->st_shndx == SHN_ABS)
    return s->st_value;
  if (s->st_shndx == SHN_UNDEF) {
    if (o->helper[sym]) {
      uint32_t h = o->helper[sym] - 1;
      return direct ? (uint64_t)(uintptr_t)l->helpers[h]
                    : (uint64_t)(uintptr_t)(l->map + l->stubs_offset + (size_t)h * STUB_SIZE);
    }
    GlobalSym *g = global_find(l, sym_name(o, sym));
    return symbol_address(l, g->obj, g->sym, direct);
  }
  return (uint64_t)(uintptr_t)(l->map + o->offset[s->st_shndx]) + s->st_value;
}

static uint64_t got_slot_address(Linker *l, uint32_t slot_plus_one)
{
  uint32_t slot = slot_plus_one & 0x80000000u ? l->num_helpers + (slot_plus_one & 0x7fffffffu) - 1
                                              : slot_plus_one - 1;
  return (uint64_t)(uintptr_t)(l->map + l->got_offset) + (uint64_t)slot * 8;
}

static bool apply_relocation(Linker *l, uint32_t oi, uint32_t target, const Elf64_Rela *r)
{
  Obj *o = &l->objs[oi];
  uint32_t type = ELF64_R_TYPE(r->r_info);
  uint32_t sym = ELF64_R_SYM(r->r_info);
  if (type == R_X86_64_NONE)
    return true;
  uint8_t *place = l->map + o->offset[target] + r->r_offset;
  uint64_t p = (uint64_t)(uintptr_t)place;
  uint64_t a = (uint64_t)r->r_addend;
  uint64_t value;
  switch (type) {
  case R_X86_64_64:
    value = symbol_address(l, oi, sym, true) + a;
    memcpy(place, &value, 8);
    return true;
  case R_X86_64_PC64:
    value = symbol_address(l, oi, sym, true) + a - p;
    memcpy(place, &value, 8);
    return true;
  case R_X86_64_GOTPCREL:
  case R_X86_64_GOTPCRELX:
  case R_X86_64_REX_GOTPCRELX:
    value = got_slot_address(l, o->got[sym]) + a - p;
    break;
  case R_X86_64_PC32:
  case R_X86_64_PLT32:
    value = symbol_address(l, oi, sym, false) + a - p;
    break;
  default: /* R_X86_64_32, R_X86_64_32S */
    value = symbol_address(l, oi, sym, false) + a;
    if (type == R_X86_64_32 ? value > UINT32_MAX
                            : (int64_t)value != (int64_t)(int32_t)(uint32_t)value)
      return error_set(l->err, l->err_size, "bad AOT code: %s to '%s' out of range",
                       reloc_name(type), sym_name(o, sym));
    {
      uint32_t v32 = (uint32_t)value;
      memcpy(place, &v32, 4);
    }
    return true;
  }
  if ((int64_t)value != (int64_t)(int32_t)(uint32_t)value)
    return error_set(l->err, l->err_size, "bad AOT code: %s to '%s' out of range",
                     reloc_name(type), sym_name(o, sym));
  uint32_t v32 = (uint32_t)value;
  memcpy(place, &v32, 4);
  return true;
}

static bool map_and_relocate(Linker *l)
{
  int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#ifdef MAP_32BIT
  if (l->needs_low)
    flags |= MAP_32BIT;
#endif
  void *map = mmap(NULL, l->map_size, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (map == MAP_FAILED)
    return error_set(l->err, l->err_size, "cannot map %zu bytes for AOT code", l->map_size);
  l->map = map;
  if (l->needs_low && (uintptr_t)l->map + l->map_size > ((uintptr_t)1 << 31))
    return error_set(l->err, l->err_size, "AOT code with 32-bit absolute relocations cannot be "
                                          "placed in the low 2 GiB");

  for (uint32_t oi = 0; oi < l->num_objs; oi++) {
    Obj *o = &l->objs[oi];
    for (uint32_t si = 1; si < o->num_sections; si++)
      if (o->region[si] != REGION_NONE && o->sections[si].sh_type != SHT_NOBITS)
        memcpy(l->map + o->offset[si], o->data + o->sections[si].sh_offset,
               o->sections[si].sh_size);
  }
  /* GOT: helpers first (their stubs jump through them), then the others. */
  uint64_t *got = (uint64_t *)(void *)(l->map + l->got_offset);
  for (uint32_t h = 0; h < l->num_helpers; h++) {
    got[h] = (uint64_t)(uintptr_t)l->helpers[h];
    uint8_t *stub = l->map + l->stubs_offset + (size_t)h * STUB_SIZE;
    int32_t disp = (int32_t)((int64_t)(uintptr_t)&got[h] - (int64_t)(uintptr_t)(stub + 6));
    stub[0] = 0xff; /* jmp *disp32(%rip) */
    stub[1] = 0x25;
    memcpy(stub + 2, &disp, 4);
    stub[6] = 0x0f; /* ud2 */
    stub[7] = 0x0b;
  }
  for (uint32_t oi = 0; oi < l->num_objs; oi++) {
    Obj *o = &l->objs[oi];
    for (uint32_t i = 0; i < o->num_syms; i++)
      if (o->got[i] & 0x80000000u)
        got[l->num_helpers + (o->got[i] & 0x7fffffffu) - 1] = symbol_address(l, oi, i, true);
  }
  for (uint32_t oi = 0; oi < l->num_objs; oi++)
    if (!for_each_rela_section(l, oi, apply_relocation))
      return false;

  /* W^X: nothing was executable while written; code becomes read+execute,
   * constants and the GOT read-only. */
  size_t text = l->region_size[REGION_TEXT], ro = l->region_size[REGION_RODATA];
  if ((text && mprotect(l->map, text, PROT_READ | PROT_EXEC) != 0) ||
      (ro && mprotect(l->map + l->region_start[REGION_RODATA], ro, PROT_READ) != 0))
    return error_set(l->err, l->err_size, "cannot protect the AOT code's pages");
  return true;
}

static bool find_functions(Linker *l, AotImage *img, char *const *symbols)
{
  for (uint32_t i = 0; i < img->num_funcs; i++) {
    if (symbols[i][0] == '\0')
      continue;
    GlobalSym *g = global_find(l, symbols[i]);
    if (!g || !g->name)
      return error_set(l->err, l->err_size, "bad AOT code: no symbol '%s' for function %u",
                       symbols[i], i);
    Obj *o = &l->objs[g->obj];
    uint16_t shndx = o->syms[g->sym].st_shndx;
    if (shndx == SHN_ABS || o->region[shndx] != REGION_TEXT)
      return error_set(l->err, l->err_size, "bad AOT code: symbol '%s' is not code", symbols[i]);
    img->func_code[i] = (void *)(uintptr_t)symbol_address(l, g->obj, g->sym, true);
  }
  return true;
}

static void linker_free(Linker *l)
{
  for (uint32_t oi = 0; oi < l->num_objs; oi++) {
    Obj *o = &l->objs[oi];
    free(o->sections);
    free(o->region);
    free(o->offset);
    free(o->syms);
    free(o->helper);
    free(o->got);
  }
  free(l->objs);
  free(l->globals);
  free(l->helpers);
}

AotImage *aot_image_load(const uint8_t *const *objects, const size_t *object_sizes,
                         uint32_t num_objects, uint32_t num_funcs, char *const *symbols,
                         char *err, uint32_t err_size)
{
  Linker l = {.err = err, .err_size = err_size, .num_objs = num_objects};
  AotImage *img = calloc(1, sizeof *img);
  l.objs = calloc(num_objects ? num_objects : 1, sizeof *l.objs);
  if (img)
    img->func_code = calloc(num_funcs ? num_funcs : 1, sizeof(void *));
  bool ok = img && l.objs && img->func_code;
  if (!ok)
    error_set(err, err_size, "out of memory");
  for (uint32_t oi = 0; ok && oi < num_objects; oi++) {
    l.objs[oi].data = objects[oi];
    l.objs[oi].size = object_sizes[oi];
    ok = parse_object(&l, oi);
  }
  ok = ok && index_globals(&l);
  for (uint32_t oi = 0; ok && oi < num_objects; oi++)
    ok = for_each_rela_section(&l, oi, check_relocation);
  ok = ok && layout(&l) && map_and_relocate(&l);
  if (ok) {
    img->map = l.map;
    img->map_size = l.map_size;
    img->num_funcs = num_funcs;
    ok = find_functions(&l, img, symbols);
  }
  if (!ok && l.map)
    munmap(l.map, l.map_size);
  linker_free(&l);
  if (!ok) {
    if (img)
      free(img->func_code);
    free(img);
    return NULL;
  }
  return img;
}

void aot_image_free(AotImage *image)
{
  if (!image)
    return;
  if (image->map)
    munmap(image->map, image->map_size);
  free(image->func_code);
  free(image);
}
