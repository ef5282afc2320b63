;; aot-basic.wat -- the module whose AOT code the loader tests write by hand
;; in C (aot-code-a.c, aot-code-b.c), in the native convention of
;; engine/runtime/compiled.h, since the tests must not need the LLVM
;; translator.  Each function here does what its C twin does, so an instance
;; gives the same answers in AOT and in the interpreters; only `tier` tells
;; them apart (1 interpreted, 2 in AOT code).
(module
  (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $fib $tier)

  ;; defined function 0
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; 1
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1)))
  ;; 2
  (func (export "spin") (loop $l (br $l)))
  ;; 3
  (func (export "store_load") (param i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (i32.load (local.get 0)))
  ;; 4
  (func (export "call_import") (param i32) (result i32)
    (call $host_add (local.get 0) (i32.const 100)))
  ;; 5
  (func $tier (export "tier") (result i32) (i32.const 1))
  ;; 6
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; 7: two results (through the results pointer), fib from the other object
  (func (export "pair") (param i32) (result i32 i32)
    (call $fib (local.get 0)) (i32.mul (local.get 0) (i32.const 2)))
  ;; 8: a libm helper (floor) in AOT code
  (func (export "floor") (param f64) (result f64) (f64.floor (local.get 0)))
  ;; 9: a jump table in read-only data
  (func (export "select") (param i32) (result i32)
    (block $d (block $5 (block $4 (block $3 (block $2 (block $1 (block $0
      (br_table $0 $1 $2 $3 $4 $5 $d (local.get 0)))
      (return (i32.const 17))) (return (i32.const 4))) (return (i32.const 91)))
      (return (i32.const 8))) (return (i32.const 33))) (return (i32.const 60)))
    (i32.const -1))
  ;; 10: call_indirect through the table (slot 0 is fib)
  (func (export "indirect") (param i32) (result i32)
    (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))
  ;; 11: left to the interpreters (no symbol in the AOT file)
  (func (export "interp_only") (result i32) (i32.const 42))
)
