#!/usr/bin/env python3
"""gen-wat.py -- the differential fuzzer's own module generator.

Writes valid, terminating modules (.wat) for the shapes binaryen's -ttf
rarely makes: deep control flow (up to 200 nested blocks), multi-value
blocks and calls, br_table,
bulk memory, tables and references, call_indirect (type mismatches
included), and the fast interpreter's fused patterns (compare + branch, a
load of an i32.add address, float arithmetic fed by a load, local.get /
const / add / local.set, stores of an i32.add address).

    gen-wat.py --seed S --count N --out DIR

Module i of seed S is the same on every machine (Python's random.Random,
seeded with S * 1000003 + i).  Every module terminates: direct calls go
only to functions defined earlier, call_indirect reaches only functions
that make no call (every funcref comes from ref.func of one of those), and
every loop counts down a counter that its back-edges test.  The log imports
are binaryen's (`fuzzing-support` log-i32/i64/f32/f64), so the same driver
runs both generators' modules.
"""
import argparse
import os
import random

NUM = ['i32', 'i64', 'f32', 'f64']
INTERESTING = {
    'i32': ['0', '1', '-1', '2', '0x7fffffff', '0x80000000', '0xffff', '0x10000', '31', '32', '8', '0x80'],
    'i64': ['0', '1', '-1', '0x7fffffffffffffff', '0x8000000000000000', '0xffffffff', '63', '64', '0x100000000'],
    'f32': ['0', '-0', '1', '-1', '0.5', 'inf', '-inf', 'nan', '-nan', 'nan:0x200000', 'nan:0x1', '-nan:0x7fffff',
            '0x1p-149', '0x1.fffffep+127', '2147483648', '-2147483904', '4294967296'],
    'f64': ['0', '-0', '1', '-1', '0.5', 'inf', '-inf', 'nan', '-nan', 'nan:0x4000000000000', 'nan:0x1',
            '-nan:0xfffffffffffff', '0x1p-1074', '0x1.fffffffffffffp+1023', '2147483648', '-9223372036854775808',
            '18446744073709551616'],
}
BINOPS = {
    'i32': ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u',
            'rotl', 'rotr'],
    'f32': ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'],
}
BINOPS['i64'] = BINOPS['i32']
BINOPS['f64'] = BINOPS['f32']
UNOPS = {
    'i32': ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s'],
    'i64': ['clz', 'ctz', 'popcnt', 'extend8_s', 'extend16_s', 'extend32_s'],
    'f32': ['abs', 'neg', 'sqrt', 'ceil', 'floor', 'trunc', 'nearest'],
}
UNOPS['f64'] = UNOPS['f32']
COMPARES = {
    'i32': ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'],
    'f32': ['eq', 'ne', 'lt', 'gt', 'le', 'ge'],
}
COMPARES['i64'] = COMPARES['i32']
COMPARES['f64'] = COMPARES['f32']
LOADS = {
    'i32': ['i32.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u'],
    'i64': ['i64.load', 'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s',
            'i64.load32_u'],
    'f32': ['f32.load'], 'f64': ['f64.load'],
}
STORES = {
    'i32': ['i32.store', 'i32.store8', 'i32.store16'],
    'i64': ['i64.store', 'i64.store8', 'i64.store16', 'i64.store32'],
    'f32': ['f32.store'], 'f64': ['f64.store'],
}
# conversions: (result type, op, operand type)
CONVERSIONS = [
    ('i32', 'i32.wrap_i64', 'i64'), ('i64', 'i64.extend_i32_s', 'i32'), ('i64', 'i64.extend_i32_u', 'i32'),
    ('i32', 'i32.trunc_f32_s', 'f32'), ('i32', 'i32.trunc_f64_u', 'f64'), ('i64', 'i64.trunc_f64_s', 'f64'),
    ('i64', 'i64.trunc_f32_u', 'f32'), ('i32', 'i32.trunc_sat_f32_s', 'f32'), ('i32', 'i32.trunc_sat_f64_u', 'f64'),
    ('i64', 'i64.trunc_sat_f64_s', 'f64'), ('i64', 'i64.trunc_sat_f32_u', 'f32'),
    ('f32', 'f32.convert_i32_s', 'i32'), ('f32', 'f32.convert_i64_u', 'i64'), ('f64', 'f64.convert_i64_s', 'i64'),
    ('f64', 'f64.convert_i32_u', 'i32'), ('f32', 'f32.demote_f64', 'f64'), ('f64', 'f64.promote_f32', 'f32'),
    ('i32', 'i32.reinterpret_f32', 'f32'), ('i64', 'i64.reinterpret_f64', 'f64'),
    ('f32', 'f32.reinterpret_i32', 'i32'), ('f64', 'f64.reinterpret_i64', 'i64'),
]
SIZES = {'i32': 4, 'i64': 8, 'f32': 4, 'f64': 8}


def wat_bytes(r, n):
    return ''.join('\\%02x' % r.getrandbits(8) for _ in range(n))


class Func:
    def __init__(self, index, params, results, leaf):
        self.index = index
        self.params = params
        self.results = results
        self.leaf = leaf
        self.locals = []          # declared locals' types
        self.counters = set()     # loop counters: only their loop writes them
        self.labels = []          # innermost last: (name, branch types, loop counter or None)
        self.next_label = 0

    def all_locals(self):
        return self.params + self.locals

    def new_local(self, t):
        self.locals.append(t)
        return len(self.params) + len(self.locals) - 1

    def locals_of(self, t):
        return [i for i, lt in enumerate(self.all_locals()) if lt == t and i not in self.counters]


class Gen:
    def __init__(self, rng, nan_payloads=True):
        self.r = rng
        # Without NaN payloads no constant is a NaN: the NaNs that arise are
        # the hardware's default one and its sign flips (until every mode
        # keeps the same NaN bits, issue 11 item 6).
        self.interesting = INTERESTING if nan_payloads else \
            {t: [v for v in vs if 'nan' not in v] for t, vs in INTERESTING.items()}
        self.out = []
        self.funcs = []
        self.types = []           # function types for call_indirect: (params, results)

    # --- helpers ---
    def chance(self, p):
        return self.r.random() < p

    def const(self, t):
        r = self.r
        if r.random() < 0.6:
            v = r.choice(self.interesting[t])
        elif t == 'i32':
            v = str(r.randint(-2**31, 2**31 - 1))
        elif t == 'i64':
            v = str(r.randint(-2**63, 2**63 - 1))
        else:
            v = repr(r.uniform(-1e6, 1e6))
        return [f'{t}.const {v}']

    def leaves(self):
        return [f for f in self.funcs if f.leaf]

    # --- expressions: code that pushes one value of type t ---
    def expr(self, f, t, depth):
        if t in ('funcref', 'externref'):
            return self.ref_expr(f, t, depth)
        r = self.r
        if depth <= 0 or r.random() < 0.2:
            locs = f.locals_of(t)
            if locs and r.random() < 0.6:
                return [f'local.get {r.choice(locs)}']
            return self.const(t)
        d = depth - 1
        k = r.randrange(100)
        if k < 16:
            return self.expr(f, t, d) + self.expr(f, t, d) + [f'{t}.{r.choice(BINOPS[t])}']
        if k < 22:
            return self.expr(f, t, d) + [f'{t}.{r.choice(UNOPS[t])}']
        if k < 28 and t == 'i32':
            ct = r.choice(NUM)
            if ct[0] == 'i' and r.random() < 0.3:
                return self.expr(f, ct, d) + [f'{ct}.eqz']
            return self.expr(f, ct, d) + self.expr(f, ct, d) + [f'{ct}.{r.choice(COMPARES[ct])}']
        if k < 38:
            return self.load(f, t, d)
        if k < 44:
            convs = [c for c in CONVERSIONS if c[0] == t]
            res, op, src = r.choice(convs)
            return self.expr(f, src, d) + [op]
        if k < 48:
            return self.expr(f, t, d) + self.expr(f, t, d) + self.expr(f, 'i32', d) + ['select']
        if k < 52 and t in ('f32', 'f64'):
            # fused: float arithmetic whose second operand a load produces
            return self.expr(f, t, d) + self.load(f, t, d) + [f'{t}.{r.choice(["add", "sub", "mul", "div"])}']
        if k < 60:
            return self.block_expr(f, [t], d)
        if k < 66:
            return self.if_expr(f, t, d)
        if k < 70:
            return self.br_table_expr(f, t, d)
        if k < 76:
            return self.call_expr(f, t, d)
        if k < 80:
            return self.call_indirect_expr(f, t, d)
        if k < 83 and t == 'i32':
            return [r.choice(['memory.size', 'table.size 0', 'table.size 1'])]
        if k < 85 and t == 'i32':
            return self.expr(f, 'i32', d) + ['i32.const 3', 'i32.and', 'memory.grow']
        if k < 87 and t == 'i32':
            tab, rt = r.choice([(0, 'funcref'), (1, 'externref')])
            return self.ref_expr(f, rt, d) + self.expr(f, 'i32', d) + ['i32.const 7', 'i32.and', f'table.grow {tab}']
        if k < 90 and t == 'i32':
            return self.ref_expr(f, r.choice(['funcref', 'externref']), d) + ['ref.is_null']
        if k < 94:
            g = self.r.choice([i for i, gt in enumerate(self.globals) if gt == t])
            return [f'global.get {g}']
        if k < 97:
            return self.multi_value_expr(f, t, d)
        locs = f.locals_of(t)
        if locs:
            return self.expr(f, t, d) + [f'local.tee {r.choice(locs)}']
        return self.const(t)

    def ref_expr(self, f, t, depth):
        r = self.r
        k = r.randrange(100)
        locs = f.locals_of(t)
        if k < 25 and locs:
            return [f'local.get {r.choice(locs)}']
        if k < 40:
            return [f'ref.null {"func" if t == "funcref" else "extern"}']
        if k < 65 and t == 'funcref':
            return [f'ref.func {r.choice(self.leaves()).index + 4}']
        if k < 80:
            tab = 0 if t == 'funcref' else 1
            return self.expr(f, 'i32', depth - 1) + [f'i32.const {r.choice([3, 3, 3, 15])}', 'i32.and',
                                                     f'table.get {tab}']
        if k < 90:
            g = [i for i, gt in enumerate(self.globals) if gt == t]
            return [f'global.get {g[0]}']
        return self.ref_expr(f, t, 0) + self.ref_expr(f, t, 0) + self.expr(f, 'i32', depth - 1) + \
            [f'select (result {t})']

    def address(self, f, depth, size):
        """An address that is usually in bounds, in the shapes the fast
        interpreter fuses (local + const, an i32.add of two values)."""
        r = self.r
        k = r.randrange(40)
        i32s = f.locals_of('i32')
        if k >= 10:
            return [f'i32.const {r.randrange(0, 8192)}']
        if k < 3 and i32s:
            # (i32.add (local.get a) (i32.const k)): loads fuse the add
            return [f'local.get {r.choice(i32s)}', 'i32.const 0xfff', 'i32.and',
                    f'i32.const {r.randrange(0, 4096)}', 'i32.add']
        if k < 4 and i32s:
            return [f'local.get {r.choice(i32s)}', f'i32.const {r.randrange(0, 256)}', 'i32.add']
        if k < 5:
            return self.expr(f, 'i32', depth) + ['i32.const 0x1fff', 'i32.and'] + \
                self.expr(f, 'i32', depth) + ['i32.const 0xff', 'i32.and', 'i32.add']
        if k < 6:
            return self.expr(f, 'i32', depth)  # anywhere: out of bounds too
        if k < 7:
            return [f'i32.const {r.choice([65536 - size, 65536 - size + 1, 131072 - size, 0, 65535])}']
        return [f'i32.const {r.randrange(0, 8192)}']

    def memarg(self, size):
        r = self.r
        off = r.choice([0, 0, 0, 0, 0, 1, 4, 8, 100, 100, 1000] + [65535] * (r.random() < 0.1))
        align = r.choice([a for a in (1, 2, 4, 8) if a <= size])
        return f' offset={off} align={align}' if off else f' align={align}'

    def load(self, f, t, depth):
        op = self.r.choice(LOADS[t])
        size = SIZES[t] if op.endswith('load') else int(''.join(c for c in op.split('load')[1] if c.isdigit())) // 8
        return self.address(f, depth, size) + [op + self.memarg(size)]

    def store(self, f, depth):
        t = self.r.choice(NUM)
        op = self.r.choice(STORES[t])
        size = SIZES[t] if op.endswith('store') else int(op.split('store')[1]) // 8
        return self.address(f, depth, size) + self.expr(f, t, depth) + [op + self.memarg(size)]

    def label(self, f, types, counter=None):
        name = f'$l{f.next_label}'
        f.next_label += 1
        f.labels.append((name, types, counter))
        return name

    def blocktype(self, params, results):
        s = ''.join(f' (param {p})' for p in params) + ''.join(f' (result {t})' for t in results)
        return s

    def block_expr(self, f, results, depth, params=()):  # noqa: B006
        """block with results; its body branches out with br / br_if."""
        name = self.label(f, list(results))
        code = [f'block {name}{self.blocktype(params, results)}']
        code += self.stmts(f, depth, self.r.randint(0, 3))
        code += sum([self.expr(f, t, depth) for t in results], [])
        f.labels.pop()
        code.append('end')
        return code

    def if_expr(self, f, t, depth):
        code = self.expr(f, 'i32', depth)  # before the label is in scope
        name = self.label(f, [t])
        code += [f'if {name} (result {t})']
        code += self.stmts(f, depth, self.r.randint(0, 2)) + self.expr(f, t, depth)
        code += ['else'] + self.stmts(f, depth, self.r.randint(0, 2)) + self.expr(f, t, depth)
        f.labels.pop()
        return code + ['end']

    def br_table_expr(self, f, t, depth):
        """Nested blocks of one result each, left by one br_table."""
        n = self.r.randint(1, 5)
        names = [self.label(f, [t]) for _ in range(n)]
        code = [f'block {nm} (result {t})' for nm in names]
        targets = [self.r.choice(names) for _ in range(self.r.randint(0, 6))]
        code += self.expr(f, t, depth) + self.expr(f, 'i32', depth)
        code.append('br_table ' + ' '.join(targets + [self.r.choice(names)]))
        for _ in range(n):
            f.labels.pop()
            code.append('end')
            code += self.const(t) + [f'{t}.{self.r.choice(["add", "sub", "mul"] if t[0] == "i" else ["add", "max"])}']
        return code

    def call_expr(self, f, t, depth):
        callees = [g for g in self.funcs if g.index < f.index and t in g.results] if not f.leaf else []
        if not callees:
            return self.const(t)
        g = self.r.choice(callees)
        code = sum([self.expr(f, p, depth) for p in g.params], []) + [f'call {g.index + 4}']
        return code + self.keep_one(f, g.results, t)

    def keep_one(self, f, results, t):
        """Code that leaves only one result of type t of `results` (on the
        stack, last on top) by parking it in a scratch local."""
        k = max(i for i, rt in enumerate(results) if rt == t)
        code = ['drop'] * (len(results) - 1 - k)
        if k == 0:
            return code
        tmp = f.new_local(t)
        return code + [f'local.set {tmp}'] + ['drop'] * k + [f'local.get {tmp}']

    def call_indirect_expr(self, f, t, depth):
        if f.leaf:
            return self.const(t)
        candidates = [i for i, (p, res) in enumerate(self.types) if t in res]
        if not candidates:
            return self.const(t)
        ti = self.r.choice(candidates)
        params, results = self.types[ti]
        code = sum([self.expr(f, p, depth) for p in params], [])
        code += self.expr(f, 'i32', depth) + [f'i32.const {self.r.choice([3, 7, 15])}', 'i32.and']
        code.append(f'call_indirect 0 (type {ti})')
        return code + self.keep_one(f, results, t)

    def multi_value_expr(self, f, t, depth):
        """A block taking parameters and giving several results."""
        params = [self.r.choice(NUM) for _ in range(self.r.randint(1, 2))]
        results = [self.r.choice(NUM) for _ in range(self.r.randint(1, 3))] + [t]
        self.r.shuffle(results)
        code = sum([self.expr(f, p, depth) for p in params], [])
        name = self.label(f, results)
        code.append(f'block {name}{self.blocktype(params, results)}')
        # the parameters are on the block's stack: park them in locals
        for p in reversed(params):
            code.append(f'local.set {f.new_local(p)}')
        code += self.stmts(f, depth, self.r.randint(0, 2))
        code += sum([self.expr(f, rt, depth) for rt in results], [])
        f.labels.pop()
        code.append('end')
        return code + self.keep_one(f, results, t)

    # --- statements: code with no net effect on the stack ---
    def stmts(self, f, depth, n):
        return sum([self.stmt(f, depth) for _ in range(n)], [])

    def branch(self, f, depth):
        """br / br_if / br_table to an enclosing label, with its values."""
        if not f.labels:
            return []
        r = self.r
        name, types, counter = r.choice(f.labels)
        vals = sum([self.expr(f, t, depth) for t in types], [])
        if counter is not None:
            # a back-edge: taken only while the loop's counter lasts
            return vals + [f'local.get {counter}', 'i32.const 0', 'i32.gt_s', f'br_if {name}'] + \
                ['drop'] * len(types)
        if r.random() < 0.5:
            i32s = f.locals_of('i32')
            if i32s and r.random() < 0.5:  # fused compare + branch
                cond = [f'local.get {r.choice(i32s)}'] + self.const('i32') + [f'i32.{r.choice(COMPARES["i32"])}']
            else:
                cond = self.expr(f, 'i32', depth)
            return vals + cond + [f'br_if {name}'] + ['drop'] * len(types)
        if r.random() < 0.8:
            return vals + [f'br {name}']
        same = [l for l, ts, c in f.labels if ts == types and c is None]
        return vals + self.expr(f, 'i32', depth) + ['br_table ' + ' '.join(r.choice(same) for _ in range(3))]

    def stmt(self, f, depth):
        r = self.r
        d = depth - 1
        k = r.randrange(100)
        if depth <= 0:
            k = r.randrange(30)
        if k < 10:
            t = r.choice(NUM)
            locs = f.locals_of(t)
            if locs:
                return self.expr(f, t, d) + [f'local.set {r.choice(locs)}']
            return self.expr(f, t, d) + ['drop']
        if k < 14:
            # fused: local.get i; i32.const k; i32.add; local.set i
            i32s = f.locals_of('i32')
            if i32s:
                i = r.choice(i32s)
                return [f'local.get {i}', f'i32.const {r.choice([1, -1, 4, 8, 1000])}', 'i32.add', f'local.set {i}']
        if k < 22:
            return self.store(f, d)
        if k < 30:
            t = r.choice(NUM)
            return self.expr(f, t, d) + [f'call {NUM.index(t)}']  # log-t
        if k < 34:
            g = r.randrange(len(self.globals))
            return self.expr(f, self.globals[g], d) + [f'global.set {g}']
        if k < 44:
            return self.branch(f, d)
        if k < 52:
            name = self.label(f, [])
            code = [f'block {name}'] + self.stmts(f, d, r.randint(1, 4)) + ['end']
            f.labels.pop()
            return code
        if k < 58:
            code = self.expr(f, 'i32', d)
            name = self.label(f, [])
            code += [f'if {name}'] + self.stmts(f, d, r.randint(1, 3))
            if r.random() < 0.5:
                code += ['else'] + self.stmts(f, d, r.randint(1, 3))
            f.labels.pop()
            return code + ['end']
        if k < 66:
            return self.loop(f, d)
        if k < 72:
            return self.bulk_memory(f, d)
        if k < 78:
            return self.table_op(f, d)
        if k < 84:
            t = r.choice(NUM + ['funcref', 'externref'])
            return self.expr(f, t, d) + ['drop']
        if k < 85 and r.random() < 0.3:
            return self.deep_nest(f)
        if k < 86:
            return ['nop']
        if k < 87 and r.random() < 0.2:
            return ['unreachable']
        if k < 90:
            # a return from inside control flow
            return sum([self.expr(f, t, d) for t in f.results], []) + ['return']
        t = r.choice(NUM)
        return self.expr(f, t, d) + ['drop']

    def deep_nest(self, f):
        """Tens to hundreds of nested blocks and ifs, left from the inside
        by a br_table over many of them and by br_ifs on the way out."""
        r = self.r
        n = r.randint(16, 200)
        code = []
        names = []
        for _ in range(n):
            if r.random() < 0.2:
                code += self.expr(f, 'i32', 0)
                name = self.label(f, [])
                code.append(f'if {name}')
            else:
                name = self.label(f, [])
                code.append(f'block {name}')
            names.append(name)
        targets = [r.choice(names) for _ in range(r.randint(1, 40))]
        code += self.expr(f, 'i32', 1) + ['br_table ' + ' '.join(targets)]
        for _ in range(n):
            f.labels.pop()
            code.append('end')
            if r.random() < 0.1:
                code += self.stmt(f, 0)
        return code

    def loop(self, f, depth):
        """A loop that counts down its own counter; back-edges test it.
        The decrement at the head is the fused local/const/add/set shape."""
        r = self.r
        counter = f.new_local('i32')
        f.counters.add(counter)
        name = self.label(f, [], counter)
        code = [f'i32.const {r.randint(1, 5)}', f'local.set {counter}', f'loop {name}',
                f'local.get {counter}', 'i32.const -1', 'i32.add', f'local.set {counter}']
        code += self.stmts(f, depth, r.randint(1, 4))
        code += [f'local.get {counter}', 'i32.const 0', 'i32.gt_s', f'br_if {name}']
        f.labels.pop()
        return code + ['end']

    def bulk_memory(self, f, depth):
        r = self.r
        small = lambda: self.expr(f, 'i32', depth) + ['i32.const 0x3ff', 'i32.and']  # noqa: E731
        k = r.randrange(5)
        if k == 0:
            return self.address(f, depth, 1) + self.expr(f, 'i32', depth) + small() + ['memory.fill']
        if k == 1:
            return self.address(f, depth, 1) + self.address(f, depth, 1) + small() + ['memory.copy']
        if k == 2:
            return self.address(f, depth, 1) + [f'i32.const {r.randrange(0, 20)}'] + \
                [f'i32.const {r.randrange(0, 16)}', 'memory.init 1']
        if k == 3 and r.random() < 0.3:
            return ['data.drop 1']
        return self.address(f, depth, 1) + self.address(f, depth, 1) + [f'i32.const {r.choice([0, 1, 100])}',
                                                                     'memory.copy']

    def table_op(self, f, depth):
        r = self.r
        idx = lambda: [f'i32.const {r.randrange(0, 20 if r.random() < 0.1 else 4)}']  # noqa: E731
        k = r.randrange(7)
        if k == 0:
            return idx() + self.ref_expr(f, 'funcref', depth) + ['table.set 0']
        if k == 1:
            return idx() + self.ref_expr(f, 'externref', depth) + ['table.set 1']
        if k == 2:
            return idx() + self.ref_expr(f, 'funcref', depth) + [f'i32.const {r.randrange(0, 8)}', 'table.fill 0']
        if k == 3:
            return idx() + idx() + [f'i32.const {r.randrange(0, 8)}', 'table.copy 0 0']
        if k == 4:
            return idx() + [f'i32.const {r.randrange(0, 2)}', f'i32.const {r.randrange(0, 2)}', 'table.init 0 1']
        if k == 5 and r.random() < 0.3:
            return ['elem.drop 1']
        return idx() + self.ref_expr(f, 'externref', depth) + [f'i32.const {r.randrange(0, 4)}', 'table.fill 1']

    # --- the module ---
    def module(self):
        r = self.r
        self.globals = NUM + NUM + ['funcref', 'externref']
        self.types = []
        n = r.randint(3, 9)
        n_leaves = max(1, n // 2)
        for i in range(n):
            params = [r.choice(NUM + ['externref']) for _ in range(r.randint(0, 3))]
            results = [r.choice(NUM) for _ in range(r.choice([0, 1, 1, 1, 2, 3]))]
            self.funcs.append(Func(i, params, results, i < n_leaves))
        for f in self.leaves():
            if (f.params, f.results) not in self.types:
                self.types.append((f.params, f.results))
        self.types.append((['i32'], ['i32']))  # often a mismatch
        bodies = []
        for f in self.funcs:
            for t in NUM:
                for _ in range(r.randint(0, 2)):
                    f.new_local(t)
            f.new_local('funcref')
            f.new_local('externref')
            depth = r.randint(2, 5)
            body = self.stmts(f, depth, r.randint(1, 6))
            body += sum([self.expr(f, t, depth) for t in f.results], [])
            bodies.append(body)

        lines = ['(module']
        for t in NUM:
            lines.append(f'  (import "fuzzing-support" "log-{t}" (func (param {t})))')
        for i, (params, results) in enumerate(self.types):
            lines.append(f'  (type (;{i};) (func{self.blocktype(params, results)}))')
        lines.append(f'  (memory (export "memory") 1 {r.choice([1, 2, 4])})')
        leaf_refs = [str(f.index + 4) for f in self.leaves() for _ in range(r.randint(1, 2))]
        elem_offset = r.randrange(0, 4)
        lines.append(f'  (table (export "table") {r.randint(elem_offset + len(leaf_refs), 16)} 32 funcref)')
        lines.append(f'  (table {r.randint(4, 8)} 16 externref)')
        for i, t in enumerate(self.globals):
            init = self.const(t)[0] if t in NUM else (f'ref.func {self.leaves()[0].index + 4}' if t == 'funcref'
                                                      else 'ref.null extern')
            lines.append(f'  (global (;{i};) (mut {t}) ({init}))')
        lines.append(f'  (data (i32.const {r.randrange(0, 256)}) "{wat_bytes(r, r.randint(0, 64))}")')
        lines.append(f'  (data "{wat_bytes(r, 32)}")')
        lines.append(f'  (elem (i32.const {elem_offset}) func {" ".join(leaf_refs)})')
        lines.append(f'  (elem funcref (ref.func {self.leaves()[-1].index + 4}) (ref.null func))')
        for f, body in zip(self.funcs, bodies):
            sig = self.blocktype(f.params, f.results)
            local_decl = ''.join(f' (local {t})' for t in f.locals)
            lines.append(f'  (func (export "f{f.index}"){sig}{local_decl}')
            lines.extend('    ' + ins for ins in body)
            lines.append('  )')
        lines.append(')')
        return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=10)
    ap.add_argument('--first', type=int, default=0, help='index of the first module')
    ap.add_argument('--out', required=True)
    ap.add_argument('--no-nan-payloads', action='store_true', help='no NaN constants')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for i in range(a.first, a.first + a.count):
        write_module(a.out, a.seed, i, not a.no_nan_payloads)


def write_module(directory, seed, i, nan_payloads=True):
    """Writes module i of `seed` into directory; returns its path."""
    rng = random.Random(seed * 1000003 + i)
    path = os.path.join(directory, f'own-{seed}-{i}.wat')
    with open(path, 'w') as fh:
        fh.write(Gen(rng, nan_payloads).module())
    return path


if __name__ == '__main__':
    main()
