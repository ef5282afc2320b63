;; The test module of tests/introspection: a host import of each shape the
;; GJS and Vala tests answer, exports of each kind, and a memory.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "add" (func $add (param i32 i64) (result i64)))
  (import "env" "scale" (func $scale (param f64) (result f64)))
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (global (export "counter") (mut i32) (i32.const 0))
  (data (i32.const 16) "hello\00")

  ;; say(): logs "hello" through env.log.
  (func (export "say")
    (call $log (i32.const 16) (i32.const 5)))
  ;; call_add(a, b) = env.add(a, b)
  (func (export "call_add") (param i32 i64) (result i64)
    (call $add (local.get 0) (local.get 1)))
  ;; call_scale(x) = env.scale(x)
  (func (export "call_scale") (param f64) (result f64)
    (call $scale (local.get 0)))
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; load8(address): the byte at address (traps past the end of memory).
  (func (export "load8") (param i32) (result i32)
    (i32.load8_u (local.get 0)))
)
