;; Host natives (registered by wasmplug-wast under "wasmplug_test") called
;; from Wasm: values in and out, externref identity, string and buffer
;; arguments checked against the memory, and a native that sets an
;; exception makes its caller trap with the native's message.

(module
  (import "wasmplug_test" "add" (func $add (param i32 i32) (result i32)))
  (import "wasmplug_test" "mix" (func $mix (param i64 f32 f64) (result f64)))
  (import "wasmplug_test" "ref_id" (func $ref_id (param externref) (result externref)))
  (import "wasmplug_test" "strlen" (func $strlen (param i32) (result i32)))
  (import "wasmplug_test" "sum" (func $sum (param i32 i32) (result i32)))
  (import "wasmplug_test" "fail" (func $fail))
  (memory 1)
  (data (i32.const 16) "hello\00\01\02\03")
  (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "mix") (param i64 f32 f64) (result f64)
    (call $mix (local.get 0) (local.get 1) (local.get 2)))
  (func (export "ref_id") (param externref) (result externref) (call $ref_id (local.get 0)))
  (func (export "strlen") (param i32) (result i32) (call $strlen (local.get 0)))
  (func (export "sum") (param i32 i32) (result i32) (call $sum (local.get 0) (local.get 1)))
  (func (export "fail") (result i32) (call $fail) (i32.const 1))
)

(assert_return (invoke "add" (i32.const 40) (i32.const 2)) (i32.const 42))
(assert_return (invoke "add" (i32.const -1) (i32.const 1)) (i32.const 0))
(assert_return (invoke "mix" (i64.const 1) (f32.const 0.5) (f64.const 0.25)) (f64.const 1.75))
(assert_return (invoke "ref_id" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "ref_id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "strlen" (i32.const 16)) (i32.const 5))
(assert_trap (invoke "strlen" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 22) (i32.const 3)) (i32.const 6))
(assert_trap (invoke "sum" (i32.const 65535) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "fail") "host says no")
(assert_return (invoke "add" (i32.const 1) (i32.const 1)) (i32.const 2))

;; a native whose signature does not match the import is not linked
(assert_unlinkable
  (module (import "wasmplug_test" "add" (func (param i64 i32) (result i32))))
  "incompatible import type")
