;; embed-threads.wat -- for embed-threads.c: a counter each thread runs
;; until terminated, and a table for wasm_runtime_call_indirect.
(module
  (memory (export "memory") 1)
  (table 3 funcref)
  (elem (i32.const 0) $add $mul)
  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $mul (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
  ;; Counts in memory at `slot` for ever (until the instance is terminated).
  (func (export "count") (param $slot i32)
    (loop $again
      (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
      (br $again)))
  (func (export "read") (param $slot i32) (result i32) (i32.load (local.get $slot))))
