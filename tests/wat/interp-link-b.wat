;; Instance B: imports A's functions; its own memory holds other bytes, so a
;; call that switched to A's memory and forgot to switch back shows.
(module
  (import "a" "read0" (func $read0 (result i32)))
  (import "a" "add-twice" (func $add_twice (param i32 i32) (result i32)))
  (import "a" "div" (func $div (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "\07\00\00\00")
  (table 1 funcref)
  (elem (i32.const 0) $read0)
  ;; B's memory, A's memory through A's code, B's memory again
  (func (export "mix") (result i32)
    (i32.load (i32.const 0))
    (call $read0) (i32.const 100) (i32.mul) (i32.add)
    (i32.load (i32.const 0)) (i32.const 10000) (i32.mul) (i32.add))
  (func (export "indirect") (result i32) (call_indirect (result i32) (i32.const 0)))
  (func (export "add-twice") (param i32 i32) (result i32) (call $add_twice (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (call $div (local.get 0) (local.get 1)))
)
