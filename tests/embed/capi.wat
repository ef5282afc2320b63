;; capi.wat -- for capi.c, the standard Wasm C API (wasm.h): host imports,
;; several results, a trap two frames deep, a global, a table, a memory.
(module
  (import "" "hello" (func $hello))
  (import "" "add" (func $add (param i32 i32) (result i32)))
  (import "" "fail" (func $fail))
  (func (export "run") (call $hello))                                    ;; 3
  (func (export "sum") (param i32 i32) (result i32)                      ;; 4
    (call $add (local.get 0) (local.get 1)))
  (func (export "swap") (param i32 i64) (result i64 i32)                 ;; 5
    (local.get 1) (local.get 0))
  (func $div (param i32) (result i32)                                    ;; 6
    (i32.div_s (i32.const 100) (local.get 0)))
  (func (export "divide") (param i32) (result i32)                       ;; 7
    (call $div (local.get 0)))
  (func (export "call_fail") (call $fail))                               ;; 8
  (func (export "load8") (param i32) (result i32)                        ;; 9
    (i32.load8_u (local.get 0)))
  (func (export "call_table") (param i32 i32) (result i32)               ;; 10
    (call_indirect (param i32) (result i32) (local.get 1) (local.get 0)))
  (global (export "counter") (mut i32) (i32.const 7))
  (global (export "pi") f64 (f64.const 3.25))
  (table (export "table") 2 funcref)
  (elem (i32.const 1) $div)
  (memory (export "memory") 1 2)
  (data (i32.const 0) "\01\02\03\04"))
