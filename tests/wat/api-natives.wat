;; Imports answered by the natives that tests/engine/test-api.c registers
;; (module "env"), each wrapped by an export the test calls.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))           ;; "(ii)i"
  (import "env" "mix" (func $mix (param i64 f64) (result f64)))           ;; "(IF)F"
  (import "env" "sumf" (func $sumf (param f32 f32) (result f32)))         ;; "(ff)f"
  (import "env" "buf_sum" (func $buf_sum (param i32 i32) (result i32)))   ;; "(*~)i"
  (import "env" "str_len" (func $str_len (param i32) (result i32)))       ;; "($)i"
  (import "env" "fail" (func $fail))                                      ;; "()"
  (import "env" "attached" (func $attached (result i32)))                 ;; "()i"
  (import "env" "ref_pass" (func $ref_pass (param externref) (result externref))) ;; "(r)r"
  (import "env" "call_back" (func $call_back (param i32) (result i32)))   ;; "(i)i"
  (import "raw" "mul" (func $raw_mul (param i32 i32) (result i32)))       ;; raw "(ii)i"
  (import "raw" "first" (func $raw_first (param i32) (result i32)))       ;; raw "($)i"
  (import "raw" "half" (func $raw_half (param f64) (result f64)))         ;; raw "(F)F"

  (memory (export "memory") 1)
  (data (i32.const 16) "hello\00")
  (data (i32.const 32) "\01\02\03\04")

  (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "mix") (param i64 f64) (result f64) (call $mix (local.get 0) (local.get 1)))
  (func (export "sumf") (param f32 f32) (result f32) (call $sumf (local.get 0) (local.get 1)))
  (func (export "buf_sum") (param i32 i32) (result i32) (call $buf_sum (local.get 0) (local.get 1)))
  (func (export "str_len") (param i32) (result i32) (call $str_len (local.get 0)))
  ;; after the failing native: must not be reached
  (func (export "fail") (result i32) (call $fail) (i32.const 99))
  (func (export "attached") (result i32) (call $attached))
  (func (export "ref_pass") (param externref) (result externref) (call $ref_pass (local.get 0)))
  (func (export "call_back") (param i32) (result i32) (call $call_back (local.get 0)))
  (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "raw_mul") (param i32 i32) (result i32) (call $raw_mul (local.get 0) (local.get 1)))
  (func (export "raw_first") (param i32) (result i32) (call $raw_first (local.get 0)))
  (func (export "raw_half") (param f64) (result f64) (call $raw_half (local.get 0)))
)
