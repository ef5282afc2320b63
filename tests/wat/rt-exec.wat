;; test-runtime: host entries, traps, the fault handler, interruption, fuel
;; and nested host -> Wasm calls.
(module
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "fail" (func $fail))
  (memory (export "mem") 1 3)
  (global $count (export "count") (mut i32) (i32.const 0))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  ;; the farthest access Wasm can make: address + offset near 8 GiB
  (func (export "load-far") (param i32) (result i64) (i64.load offset=0xFFFFFFFF (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  ;; counts its iterations in $count, forever
  (func (export "spin")
    (loop $l
      (global.set $count (i32.add (global.get $count) (i32.const 1)))
      (br $l)))
  ;; enters the host, which may call "recurse" again (nested host entries)
  (func (export "recurse") (param i32) (result i32) (call $reenter (local.get 0)))
  (func (export "call-fail") (call $fail))
  (func (export "trap") (unreachable))
)
