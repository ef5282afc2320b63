;; Our messages in full, where the spec scripts check only a prefix: every
;; trap kind (contract 3), element traps with their index, and load and link
;; errors with the byte offset or the import's name.

(module
  (type $v (func))
  (type $i (func (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $seven $nop)
  (memory 1)
  (func $seven (type $i) (i32.const 7))
  (func $nop (type $v))
  (func (export "unreachable") unreachable)
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "store") (param i32) (i64.store offset=4 (local.get 0) (i64.const 1)))
  (func (export "call") (param i32) (result i32) (call_indirect (type $i) (local.get 0)))
  (func (export "table.get") (param i32) (result funcref) (table.get 0 (local.get 0)))
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1)))
)

(assert_trap (invoke "unreachable") "unreachable")
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "div" (i32.const 0x80000000) (i32.const -1)) "integer overflow")
(assert_trap (invoke "rem" (i64.const 1) (i64.const 0)) "integer divide by zero")
(assert_trap (invoke "trunc" (f64.const nan)) "invalid conversion to integer")
(assert_trap (invoke "trunc" (f64.const 3e9)) "integer overflow")
(assert_trap (invoke "load" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "store" (i32.const 65528)) "out of bounds memory access")
(assert_trap (invoke "call" (i32.const 1)) "indirect call type mismatch")
(assert_trap (invoke "call" (i32.const 2)) "uninitialized element 2")
(assert_trap (invoke "call" (i32.const 4)) "undefined element 4")
(assert_trap (invoke "call" (i32.const -1)) "undefined element 4294967295")
(assert_trap (invoke "table.get" (i32.const 4)) "out of bounds table access")
(assert_trap (invoke "fill" (i32.const 65535) (i32.const 2)) "out of bounds memory access")
;; after every trap the instance is still usable
(assert_return (invoke "call" (i32.const 0)) (i32.const 7))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0))

;; load errors name the byte offset
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end at offset 0x7")
(assert_invalid (module (func (result i32)))
  "type mismatch in end (expected i32, got nothing) at offset 0x")
;; link errors name the import
(assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import: nowhere.f")
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i64))))
  "incompatible import type: spectest.print_i32")
;; segments that do not fit trap at instantiation
(assert_trap (module (memory 1) (data (i32.const 65536) "a")) "out of bounds memory access")
(assert_trap (module (table 1 funcref) (elem (i32.const 2) func)) "out of bounds table access")
