;; Contract 5: deep recursion traps with "call stack exhausted" in every
;; tier, the host never crashes, and the instance stays usable.  Contract 6:
;; wasm_runtime_terminate (here from a host native) stops running code at
;; its next loop back-edge.

(module
  (import "wasmplug_test" "terminate" (func $terminate))
  (func $forever (export "forever") (call $forever))
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i64.sub (local.get 0) (i64.const 1))))))
  ;; many locals per frame: the limit is in bytes, not in calls
  (func $fat (export "fat") (param i32) (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $fat (i32.sub (local.get 0) (i32.const 1)))))))
  (func (export "spin") (call $terminate) (loop $l (br $l)))
  (func (export "answer") (result i32) (i32.const 42))
)

(assert_exhaustion (invoke "forever") "call stack exhausted")
(assert_return (invoke "even" (i64.const 1000)) (i32.const 1))
(assert_exhaustion (invoke "even" (i64.const 100000000)) "call stack exhausted")
(assert_return (invoke "fat" (i32.const 100)) (i32.const 100))
(assert_exhaustion (invoke "fat" (i32.const 10000000)) "call stack exhausted")
(assert_return (invoke "answer") (i32.const 42))
(assert_trap (invoke "spin") "terminated by user")
(assert_return (invoke "answer") (i32.const 42))
