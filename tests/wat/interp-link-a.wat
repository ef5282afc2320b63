;; Instance A of the cross-instance test: exports a function that reads A's
;; own memory and global, and one that calls back into an import.
(module
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (memory (export "mem") 1)
  (data (i32.const 0) "\2a\00\00\00")
  (global $count (export "count") (mut i32) (i32.const 0))
  (func (export "read0") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (i32.load (i32.const 0)))
  (func (export "add-twice") (param i32 i32) (result i32)
    (i32.add (local.get 0) (call $twice (local.get 1))))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
)
